package dev.trafficmanager.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.event.RouteState;
import dev.trafficmanager.processor.ProcessorConfig;
import dev.trafficmanager.processor.ProcessorService;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedServers.class)
class RebuildProcessorCommandTest {
  private static final Duration PROCESSING = Duration.ofSeconds(90);

  @Test
  void aRebuiltProcessorReproducesTheSameRoutesSnapshot(TestEnvironment env) throws Exception {
    env.createTopics();
    RouteHistory history = RouteHistory.of("acme", 20, 4, RouteHistory.RECENT);
    int revisions = history.events().size();
    history.publishEvents(env);
    ProcessorConfig config = ProcessorConfig.from(env.settings());
    String changelog = config.applicationId() + "-route-state-changelog";
    String splitChangelog = config.applicationId() + "-split-state-changelog";
    Path localState = config.stateDir().resolve(config.applicationId());

    try (ProcessorService processor = new ProcessorService(env.settings())) {
      processor.start();
      awaitRecords(env, revisions);
    }
    Map<String, RouteState> before = RouteHistory.lastByKey(env.readAll(env.topics().routes()));
    assertThat(before).isEqualTo(history.latest());
    assertThat(topics(env)).contains(changelog);
    assertThat(localState).exists();

    OperatorCli.Run dryRun = OperatorCli.run(env.settings(), "rebuild-processor", "--dry-run");
    assertThat(dryRun.exitCode()).as(dryRun.toString()).isZero();
    assertThat(dryRun.out())
        .contains("Processor " + config.applicationId() + ": state Empty, no active members")
        .contains("  " + changelog)
        .contains("  " + splitChangelog)
        .contains("3. Wipe the local state: " + localState)
        .contains("reprocesses " + revisions + " record(s) of route-events")
        .contains("Dry run: nothing was changed.");
    assertThat(topics(env)).contains(changelog);
    assertThat(localState).exists();

    OperatorCli.Run rebuild = OperatorCli.run(env.settings(), "rebuild-processor", "--execute");
    assertThat(rebuild.exitCode()).as(rebuild.toString()).isZero();
    assertThat(rebuild.out()).contains("Done: offsets reset, 2 internal topic(s) deleted");
    assertThat(topics(env)).doesNotContain(changelog, splitChangelog);
    assertThat(Files.exists(localState)).as("local state wiped").isFalse();
    assertThat(committed(env, config.applicationId()).values()).containsOnly(0L);

    try (ProcessorService processor = new ProcessorService(env.settings())) {
      processor.start();
      // Every revision is applied a second time, from nothing: one more change per revision.
      awaitRecords(env, 2 * revisions);
    }
    List<ConsumerRecord<String, RouteState>> routes = env.readAll(env.topics().routes());
    List<ConsumerRecord<String, RouteChange>> changes = env.readAll(env.topics().routeChanges());
    assertThat(routes).hasSize(2 * revisions);
    assertThat(RouteHistory.lastByKey(routes)).isEqualTo(before);
    assertThat(changes.stream().map(ConsumerRecord::value).toList())
        .containsExactlyInAnyOrderElementsOf(concat(history.changes(), history.changes()));
    assertThat(topics(env)).as("changelog created again").contains(changelog);
  }

  @Test
  void refusesWhileTheProcessorRuns(TestEnvironment env) throws Exception {
    env.createTopics();
    RouteHistory.of("acme", 2, 1, RouteHistory.RECENT).publishEvents(env);
    ProcessorConfig config = ProcessorConfig.from(env.settings());
    String changelog = config.applicationId() + "-route-state-changelog";

    try (ProcessorService processor = new ProcessorService(env.settings())) {
      processor.start();
      awaitRecords(env, 2);
      await("the processor running").atMost(PROCESSING).until(processor::isRunning);
      Map<TopicPartition, Long> before = committed(env, config.applicationId());

      OperatorCli.Run run = OperatorCli.run(env.settings(), "rebuild-processor", "--execute");

      assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
      assertThat(run.err())
          .contains("Refused: group " + config.applicationId() + " has 1 active member")
          .contains("Stop every processor instance first");
      assertThat(topics(env)).contains(changelog);
      assertThat(committed(env, config.applicationId())).isEqualTo(before);
    }
  }

  private static void awaitRecords(TestEnvironment env, int count) {
    await(count + " records on routes")
        .atMost(PROCESSING)
        .until(() -> env.readAll(env.topics().routes()).size() >= count);
  }

  private static Set<String> topics(TestEnvironment env) throws Exception {
    try (Admin admin = Admin.create(env.kafka().clientProperties("rebuild-test-admin"))) {
      return admin.listTopics().names().get();
    }
  }

  private static Map<TopicPartition, Long> committed(TestEnvironment env, String group)
      throws Exception {
    try (Admin admin = Admin.create(env.kafka().clientProperties("rebuild-test-admin"))) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, Long> result = new java.util.HashMap<>();
      offsets.forEach((p, o) -> result.put(p, o == null ? -1 : o.offset()));
      return result;
    }
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }
}
