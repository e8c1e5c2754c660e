package dev.trafficmanager.app;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.consumers.ConsumerService;
import dev.trafficmanager.testkit.ChildProcess;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import dev.trafficmanager.testkit.TestTokens;
import dev.trafficmanager.testkit.TopicReader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a real process under a steady stream of requests, with the test playing the load
 * balancer: it stops sending once readiness says 503. Nothing it sent may fail, the process must
 * exit 0, and every consumer must have committed past every change.
 */
@ExtendWith(SharedServers.class)
class GracefulDrainTest {
  private static final int CLIENTS = 4;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private volatile String token;

  @Test
  void sigtermDrainsWithoutFailingARequestAndCommitsTheConsumersOffsets(
      TestEnvironment env, @TempDir Path logDir) throws Exception {
    env.createTopics();
    token = TestTokens.admin(env.settings());
    int port = ChildProcess.freePort();
    Settings settings =
        env.with(
            Map.of(
                "TM_HTTP_PORT",
                Integer.toString(port),
                DrainSettings.GRACE,
                "3s",
                TrafficManager.LOG_FORMAT,
                "console"));
    Path log = logDir.resolve("local.log");
    Process process = ChildProcess.start(DeveloperTrafficManager.class, settings, log, "local");
    try {
      String base = "http://localhost:" + port;
      await("the process is ready")
          .atMost(ofSeconds(90))
          .ignoreExceptions()
          .until(() -> get(base + "/health/ready").statusCode() == 200);

      AtomicBoolean inRotation = new AtomicBoolean(true);
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      List<Integer> statuses = new ArrayList<>();
      // Several clients, so that requests are in flight at any moment of the shutdown.
      List<Thread> clients = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        String version = "c" + c + "v";
        clients.add(
            new Thread(
                () -> sendUntilOutOfRotation(base, version, inRotation, statuses, failures)));
      }
      Thread balancer = new Thread(() -> watchReadiness(base, inRotation));
      clients.forEach(Thread::start);
      balancer.start();
      await("some traffic flowed").atMost(ofSeconds(30)).until(() -> statuses(statuses) >= 20);

      process.destroy(); // SIGTERM

      assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("process exited").isTrue();
      for (Thread client : clients) {
        client.join(10_000);
      }
      balancer.join(10_000);
      assertThat(process.exitValue()).as("exit code").isZero();
      assertThat(inRotation).as("readiness turned 503 before the server went away").isFalse();
      assertThat(failures).as("requests that failed").isEmpty();
      synchronized (statuses) {
        assertThat(statuses).isNotEmpty().allMatch(s -> s < 500).doesNotContain(401, 403);
      }
      assertConsumersCommittedPastEveryChange(KafkaSettings.from(settings));
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError(
          e.getMessage() + "\n--- the process's log ---\n" + Files.readString(log), e);
    } finally {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  private void sendUntilOutOfRotation(
      String base,
      String versionPrefix,
      AtomicBoolean inRotation,
      List<Integer> statuses,
      ConcurrentLinkedQueue<String> failures) {
    for (int i = 0; inRotation.get(); i++) {
      String version = versionPrefix + i;
      String body =
          """
          {"tenant":"drain","service":"svc","env":"prod","version":"%s","url":"https://%s.example"}"""
              .formatted(version, version);
      try {
        record(statuses, post(base + "/api/v1/routes", body).statusCode());
        record(
            statuses,
            get(base
                    + "/api/v1/routes/resolve?tenant=drain&service=svc&env=prod&version="
                    + version)
                .statusCode());
      } catch (IOException e) {
        failures.add(e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void watchReadiness(String base, AtomicBoolean inRotation) {
    while (inRotation.get()) {
      try {
        if (get(base + "/health/ready").statusCode() != 200) {
          inRotation.set(false);
        }
        Thread.sleep(50);
      } catch (IOException e) {
        inRotation.set(false);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static void record(List<Integer> statuses, int status) {
    synchronized (statuses) {
      statuses.add(status);
    }
  }

  private static int statuses(List<Integer> statuses) {
    synchronized (statuses) {
      return statuses.size();
    }
  }

  private static void assertConsumersCommittedPastEveryChange(KafkaSettings kafka)
      throws Exception {
    List<ConsumerRecord<String, ?>> changes =
        new ArrayList<>(
            new TopicReader(kafka, ofSeconds(10)).readAll(kafka.topics().routeChanges()));
    assertThat(changes).isNotEmpty();
    Map<TopicPartition, Long> lastOffsets = new HashMap<>();
    changes.forEach(
        r ->
            lastOffsets.merge(new TopicPartition(r.topic(), r.partition()), r.offset(), Math::max));
    try (Admin admin = Admin.create(kafka.clientProperties("drain-test"))) {
      for (String consumer : ConsumerService.names()) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin
                .listConsumerGroupOffsets(kafka.groupId("tm-" + consumer))
                .partitionsToOffsetAndMetadata()
                .get();
        lastOffsets.forEach(
            (partition, last) ->
                assertThat(committed.get(partition))
                    .as("%s committed on %s", consumer, partition)
                    .isNotNull()
                    .satisfies(o -> assertThat(o.offset()).isGreaterThan(last)));
      }
    }
  }

  private HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return http.send(
        authorized(HttpRequest.newBuilder(URI.create(url)))
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** With the test's admin token, once it has one: health needs none. */
  private HttpRequest.Builder authorized(HttpRequest.Builder request) {
    return token == null ? request : request.header("Authorization", "Bearer " + token);
  }

  private HttpResponse<String> post(String url, String body)
      throws IOException, InterruptedException {
    return http.send(
        authorized(HttpRequest.newBuilder(URI.create(url)))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
