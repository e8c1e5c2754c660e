package dev.trafficmanager.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.trafficmanager.cache.RedisSettings;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs two test classes in a test run of their own (a nested JUnit launcher) and looks at the
 * servers they were given.
 */
class SharedServersTest {

  @Test
  void testClassesOfOneRunShareOneSetOfServersStoppedWhenTheRunEnds() {
    List<ReportEntry> entries = new CopyOnWriteArrayList<>();
    List<TestExecutionResult> results = new CopyOnWriteArrayList<>();
    Launcher launcher = LauncherFactory.create();
    launcher.execute(
        LauncherDiscoveryRequestBuilder.request()
            .selectors(selectClass(FirstClass.class), selectClass(SecondClass.class))
            .build(),
        new TestExecutionListener() {
          @Override
          public void reportingEntryPublished(TestIdentifier test, ReportEntry entry) {
            entries.add(entry);
          }

          @Override
          public void executionFinished(TestIdentifier test, TestExecutionResult result) {
            if (test.isTest()) {
              results.add(result);
            }
          }
        });

    assertThat(results)
        .hasSize(2)
        .allMatch(result -> result.getStatus() == TestExecutionResult.Status.SUCCESSFUL);
    assertThat(entries).hasSize(2);
    assertThat(entries.stream().map(e -> e.getKeyValuePairs().get("servers")).distinct())
        .hasSize(1);
    assertThat(entries.stream().map(e -> e.getKeyValuePairs().get("database")).distinct())
        .hasSize(2);

    assumeThat(System.getenv(RedisSettings.URL)).as("Redis is embedded").isNull();
    URI redis = URI.create(entries.get(0).getKeyValuePairs().get("redis"));
    assertThat(accepts(redis.getHost(), redis.getPort()))
        .as("redis stopped after the run")
        .isFalse();
  }

  private static boolean accepts(String host, int port) {
    try (Socket socket = new Socket(host, port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void report(TestEnvironment env, TestReporter reporter) {
    reporter.publishEntry(
        Map.of(
            "servers",
                env.kafka().bootstrapServers()
                    + " "
                    + env.redis().url()
                    + " "
                    + env.database().url().replaceFirst("/tm_test_.*", ""),
            "redis", env.redis().url(),
            "database", env.database().url()));
  }

  @ExtendWith(SharedServers.class)
  static class FirstClass {
    @Test
    void reportsItsServers(TestEnvironment env, TestReporter reporter) {
      report(env, reporter);
    }
  }

  @ExtendWith(SharedServers.class)
  static class SecondClass {
    @Test
    void reportsItsServers(TestEnvironment env, TestReporter reporter) {
      report(env, reporter);
    }
  }
}
