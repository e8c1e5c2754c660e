package dev.trafficmanager.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The replay plan and its execution on a group's committed offsets. Partition 0 of route-changes
 * holds ten changes written a minute apart from {@link #T0}, and the group has committed all ten;
 * partition 1 is empty and has no committed offset.
 */
@ExtendWith(SharedServers.class)
class ReplayCommandTest {
  private static final String GROUP = "tm-audit-log";
  private static final Instant T0 = RouteHistory.RECENT;
  private static final int RECORDS = 10;

  static Stream<Arguments> targets() {
    return Stream.of(
        argumentSet(
            "--to-datetime T0+4min",
            new String[] {"--to-datetime", T0.plusSeconds(240).toString()},
            4L),
        argumentSet(
            "--to-datetime between records, with an offset",
            new String[] {
              "--to-datetime", T0.plusSeconds(210).atOffset(ZoneOffset.ofHours(1)).toString()
            },
            4L),
        argumentSet(
            "--to-datetime after the last record",
            new String[] {"--to-datetime", T0.plus(Duration.ofHours(14)).toString()},
            10L),
        argumentSet("--to-offset 7", new String[] {"--to-offset", "7"}, 7L),
        argumentSet("--to-offset beyond the end", new String[] {"--to-offset", "99"}, 10L),
        argumentSet("--to-earliest", new String[] {"--to-earliest"}, 0L),
        argumentSet("--shift-by -3", new String[] {"--shift-by", "-3"}, 7L),
        argumentSet("--shift-by -50 stops at the start", new String[] {"--shift-by", "-50"}, 0L));
  }

  @ParameterizedTest
  @MethodSource("targets")
  void executeCommitsTheNewOffsets(String[] target, long expected, TestEnvironment env)
      throws Exception {
    arrange(env);

    OperatorCli.Run run =
        OperatorCli.run(
            env.settings(), concat(new String[] {"replay", "--group", GROUP}, target, "--execute"));

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("Done: committed the new offsets of 2 partition(s)");
    assertThat(committed(env))
        .containsEntry(partition(env, 0), expected)
        .containsEntry(partition(env, 1), 0L);
  }

  @Test
  void dryRunPrintsThePlanAndChangesNothing(TestEnvironment env) throws Exception {
    arrange(env);

    OperatorCli.Run run =
        OperatorCli.run(
            env.settings(),
            "replay",
            "--group",
            GROUP,
            "--to-datetime",
            T0.plusSeconds(240).toString(),
            "--dry-run");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    String topic = env.topics().routeChanges().name();
    assertThat(run.out())
        .contains(
            "Group tm-audit-log ("
                + env.kafka().groupId(GROUP)
                + "): state Empty, no active members")
        .containsPattern(
            "TOPIC +PARTITION +CURRENT-OFFSET +NEW-OFFSET +LOG-END-OFFSET +RECORDS-TO-REPLAY")
        .containsPattern(topic + " +0 +10 +4 +10 +6\n")
        .containsPattern(topic + " +1 +- +0 +0 +0\n")
        .contains("6 record(s) to replay on 2 partition(s).")
        .contains("Dry run: nothing was changed.");
    assertThat(committed(env)).containsExactlyEntriesOf(Map.of(partition(env, 0), 10L));
  }

  @Test
  void oneTopicPartitionCanBeChosen(TestEnvironment env) throws Exception {
    arrange(env);

    OperatorCli.Run run =
        OperatorCli.run(
            env.settings(),
            "replay",
            "--group",
            GROUP,
            "--topic",
            "route-changes:0",
            "--shift-by",
            "-2",
            "--dry-run");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out())
        .containsPattern(env.topics().routeChanges().name() + " +0 +10 +8 +10 +2\n")
        .contains("2 record(s) to replay on 1 partition(s).");
  }

  @Test
  void refusesWhileTheGroupHasActiveMembers(TestEnvironment env) throws Exception {
    arrange(env);
    try (KafkaConsumer<String, byte[]> member = member(env)) {
      await("the member has joined the group")
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                member.poll(Duration.ofMillis(100));
                return !member.assignment().isEmpty();
              });

      OperatorCli.Run refused =
          OperatorCli.run(env.settings(), "replay", "--group", GROUP, "--to-earliest", "--execute");
      OperatorCli.Run dryRun =
          OperatorCli.run(env.settings(), "replay", "--group", GROUP, "--to-earliest", "--dry-run");

      assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
      assertThat(refused.err())
          .contains("Refused: group " + env.kafka().groupId(GROUP) + " has 1 active member")
          .contains("Stop its consumers first");
      assertThat(refused.out()).contains("1 active member(s)");
      assertThat(dryRun.exitCode()).as(dryRun.toString()).isZero();
      assertThat(dryRun.out()).contains("--execute is refused until they stop");
      assertThat(committed(env)).containsEntry(partition(env, 0), 10L);
    }
  }

  @Test
  void anUnknownGroupIsInvalidUsage(TestEnvironment env) {
    OperatorCli.Run run =
        OperatorCli.run(
            env.settings(),
            "replay",
            "--group",
            "traffic-manager-processor",
            "--to-earliest",
            "--dry-run");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.err())
        .contains("unknown group 'traffic-manager-processor'")
        .contains("tm-cache-invalidation, tm-cache-warming, tm-audit-log")
        .contains("rebuild-processor");
  }

  @Test
  void aTargetAndAModeAreRequiredAndExclusive(TestEnvironment env) {
    OperatorCli.Run noMode =
        OperatorCli.run(env.settings(), "replay", "--group", GROUP, "--to-earliest");
    OperatorCli.Run twoTargets =
        OperatorCli.run(
            env.settings(),
            "replay",
            "--group",
            GROUP,
            "--to-earliest",
            "--to-offset",
            "3",
            "--execute");
    OperatorCli.Run badTime =
        OperatorCli.run(
            env.settings(), "replay", "--group", GROUP, "--to-datetime", "yesterday", "--execute");

    assertThat(noMode.exitCode()).isEqualTo(2);
    assertThat(noMode.err()).contains("--dry-run", "--execute");
    assertThat(twoTargets.exitCode()).isEqualTo(2);
    assertThat(twoTargets.err()).contains("mutually exclusive");
    assertThat(badTime.exitCode()).isEqualTo(2);
    assertThat(badTime.err()).contains("'yesterday' is not an RFC 3339 date-time");
  }

  /** Ten changes on partition 0, a minute apart, all committed by the group. */
  private static void arrange(TestEnvironment env) throws Exception {
    env.createTopics();
    KafkaSettings kafka = env.kafka();
    String topic = kafka.topics().routeChanges().name();
    List<RouteChange> changes = RouteHistory.of("acme", 1, RECORDS, T0).changes();
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
    for (int i = 0; i < RECORDS; i++) {
      RouteChange change = changes.get(i);
      records.add(
          new ProducerRecord<>(
              topic,
              0,
              T0.plusSeconds(60L * i).toEpochMilli(),
              change.routeKey(),
              RouteHistory.CHANGES.serialize(topic, change)));
    }
    env.write(records);
    try (Admin admin = Admin.create(kafka.clientProperties("replay-test-admin"))) {
      admin
          .alterConsumerGroupOffsets(
              kafka.groupId(GROUP), Map.of(partition(env, 0), new OffsetAndMetadata(RECORDS)))
          .all()
          .get();
    }
  }

  private static KafkaConsumer<String, byte[]> member(TestEnvironment env) {
    Map<String, Object> props = env.kafka().clientProperties("replay-test-member");
    props.put(ConsumerConfig.GROUP_ID_CONFIG, env.kafka().groupId(GROUP));
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(env.topics().routeChanges().name()));
    return consumer;
  }

  private static Map<TopicPartition, Long> committed(TestEnvironment env) throws Exception {
    try (Admin admin = Admin.create(env.kafka().clientProperties("replay-test-admin"))) {
      Map<TopicPartition, Long> offsets = new java.util.HashMap<>();
      admin
          .listConsumerGroupOffsets(env.kafka().groupId(GROUP))
          .partitionsToOffsetAndMetadata()
          .get()
          .forEach(
              (p, o) -> {
                if (o != null) {
                  offsets.put(p, o.offset());
                }
              });
      return offsets;
    }
  }

  private static TopicPartition partition(TestEnvironment env, int partition) {
    return new TopicPartition(env.topics().routeChanges().name(), partition);
  }

  private static String[] concat(String[] head, String[] middle, String last) {
    return Stream.concat(Stream.concat(Stream.of(head), Stream.of(middle)), Stream.of(last))
        .toArray(String[]::new);
  }
}
