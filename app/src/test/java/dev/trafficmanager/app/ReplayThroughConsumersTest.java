package dev.trafficmanager.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.consumers.ConsumerService;
import dev.trafficmanager.event.RouteEvent;
import dev.trafficmanager.event.RouteState;
import dev.trafficmanager.route.CacheEntry;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Replays through the real side-effect consumers: they apply the changes again, idempotently. */
@ExtendWith(SharedServers.class)
class ReplayThroughConsumersTest {
  private static final Duration CATCH_UP = Duration.ofMinutes(2);
  private static final Instant T0 = RouteHistory.RECENT;

  @Test
  void replayToADatetimeLeavesNoDuplicateAuditRowsAndTheCacheAtTheLatestState(TestEnvironment env)
      throws Exception {
    env.createTopics();
    int routes = 200;
    RouteHistory history = RouteHistory.of("acme", routes, 3, T0);
    int changes = history.changes().size();
    history.publishChanges(env);
    String audit = "tm-" + ConsumerService.AUDIT_LOG;
    String warming = "tm-" + ConsumerService.CACHE_WARMING;
    runUntilCaughtUp(env, List.of(ConsumerService.AUDIT_LOG, ConsumerService.CACHE_WARMING));
    assertThat(auditRows(env)).isEqualTo(changes);

    try (RedisClient client = env.redis().newClient();
        StatefulRedisConnection<String, String> connection = client.connect()) {
      RedisCommands<String, String> redis = connection.sync();
      Map<String, CacheEntry> latest = expectedCache(history);
      assertThat(cache(env, redis, history)).isEqualTo(latest);
      // A cache that lost some entries: the replay puts them back.
      List<String> lost = new ArrayList<>();
      history.latest().values().stream()
          .limit(50)
          .forEach(state -> lost.add(env.redis().keys().route(state.routeKey())));
      redis.del(lost.toArray(String[]::new));

      // Revisions 2 and 3 were written from T0 + one second per route on.
      String revisionTwo = T0.plusSeconds(routes).toString();
      for (String group : List.of(audit, warming)) {
        OperatorCli.Run replay =
            OperatorCli.run(
                env.settings(),
                "replay",
                "--group",
                group,
                "--to-datetime",
                revisionTwo,
                "--execute");
        assertThat(replay.exitCode()).as(replay.toString()).isZero();
        assertThat(replay.out())
            .contains((changes - routes) + " record(s) to replay on 2 partition(s).");
      }

      long start = System.nanoTime();
      runUntilCaughtUp(env, List.of(ConsumerService.AUDIT_LOG, ConsumerService.CACHE_WARMING));
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "replay rate (audit-log and cache-warming side by side): %d changes each in %.2f s ="
              + " %.0f records/s per group%n",
          changes - routes,
          seconds,
          (changes - routes) / seconds);

      assertThat(auditRows(env)).as("audit rows after the replay").isEqualTo(changes);
      assertThat(distinctAuditRevisions(env)).isEqualTo(changes);
      assertThat(cache(env, redis, history)).isEqualTo(latest);
      assertThat(env.readAll(env.topics().consumerDlq(ConsumerService.AUDIT_LOG))).isEmpty();
      assertThat(env.readAll(env.topics().consumerDlq(ConsumerService.CACHE_WARMING))).isEmpty();
    }
  }

  @Test
  void aReplayedGroupAppliesEveryChangeAgain(TestEnvironment env) throws Exception {
    env.createTopics();
    RouteHistory history = RouteHistory.of("acme", 1000, 4, T0);
    int changes = history.changes().size();
    history.publishChanges(env);
    String group = "tm-" + ConsumerService.CACHE_INVALIDATION;
    runUntilCaughtUp(env, List.of(ConsumerService.CACHE_INVALIDATION));

    // Entries of an older revision, as a cache that missed its invalidations holds them.
    try (RedisClient client = env.redis().newClient();
        StatefulRedisConnection<String, String> connection = client.connect()) {
      RedisCommands<String, String> redis = connection.sync();
      for (RouteEvent event : history.events()) {
        if (event.revision() == 1) {
          redis.set(
              env.redis().keys().route(event.routeKey()),
              CacheEntry.resolving(event.url(), 1).toJson());
        }
      }
      assertThat(redis.keys(env.redis().keys().prefix() + "*")).hasSize(1000);

      OperatorCli.Run replay =
          OperatorCli.run(env.settings(), "replay", "--group", group, "--to-earliest", "--execute");
      assertThat(replay.exitCode()).as(replay.toString()).isZero();
      assertThat(replay.out()).contains(changes + " record(s) to replay on 2 partition(s).");
      assertThat(committed(env, group).values()).containsOnly(0L);

      long start = System.nanoTime();
      runUntilCaughtUp(env, List.of(ConsumerService.CACHE_INVALIDATION));
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "replay rate: %d changes in %.2f s = %.0f records/s (consumer start and group join"
              + " included)%n",
          changes,
          seconds,
          changes / seconds);
      assertThat(redis.keys(env.redis().keys().prefix() + "*"))
          .as("stale entries invalidated by the replay")
          .isEmpty();
    }
  }

  /** Runs the consumers until each group has committed up to the end of route-changes. */
  private static void runUntilCaughtUp(TestEnvironment env, List<String> consumers)
      throws Exception {
    List<ConsumerService> running = new ArrayList<>();
    try {
      for (String name : consumers) {
        ConsumerService consumer = new ConsumerService(name, env.settings());
        running.add(consumer);
        consumer.start();
      }
      for (String name : consumers) {
        await("tm-" + name + " committed up to the end of route-changes")
            .atMost(CATCH_UP)
            .until(() -> committed(env, "tm-" + name).equals(ends(env)));
      }
    } finally {
      running.forEach(ConsumerService::close);
    }
  }

  private static Map<String, CacheEntry> expectedCache(RouteHistory history) {
    Map<String, CacheEntry> expected = new HashMap<>();
    for (RouteState state : history.latest().values()) {
      expected.put(
          state.routeKey().toString(),
          state.active()
              ? CacheEntry.resolving(state.url(), state.revision())
              : CacheEntry.missing(state.revision()));
    }
    return expected;
  }

  private static Map<String, CacheEntry> cache(
      TestEnvironment env, RedisCommands<String, String> redis, RouteHistory history) {
    Map<String, CacheEntry> cached = new HashMap<>();
    for (RouteState state : history.latest().values()) {
      String value = redis.get(env.redis().keys().route(state.routeKey()));
      if (value != null) {
        cached.put(state.routeKey().toString(), CacheEntry.parse(value));
      }
    }
    return cached;
  }

  private static long auditRows(TestEnvironment env) {
    return env.jdbi()
        .withHandle(h -> h.createQuery("SELECT count(*) FROM audit_log").mapTo(Long.class).one());
  }

  private static long distinctAuditRevisions(TestEnvironment env) {
    return env.jdbi()
        .withHandle(
            h ->
                h.createQuery("SELECT count(DISTINCT (route_key, revision)) FROM audit_log")
                    .mapTo(Long.class)
                    .one());
  }

  private static Map<TopicPartition, Long> committed(TestEnvironment env, String group)
      throws Exception {
    KafkaSettings kafka = env.kafka();
    try (Admin admin = Admin.create(kafka.clientProperties("replay-test-admin"))) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin
              .listConsumerGroupOffsets(kafka.groupId(group))
              .partitionsToOffsetAndMetadata()
              .get();
      Map<TopicPartition, Long> result = new HashMap<>();
      offsets.forEach((p, o) -> result.put(p, o == null ? -1 : o.offset()));
      return result;
    }
  }

  private static Map<TopicPartition, Long> ends(TestEnvironment env) throws Exception {
    KafkaSettings kafka = env.kafka();
    try (Admin admin = Admin.create(kafka.clientProperties("replay-test-admin"))) {
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      for (int p = 0; p < TestEnvironment.TOPIC_PARTITIONS; p++) {
        request.put(
            new TopicPartition(kafka.topics().routeChanges().name(), p), OffsetSpec.latest());
      }
      Map<TopicPartition, Long> result = new HashMap<>();
      admin.listOffsets(request).all().get().forEach((p, info) -> result.put(p, info.offset()));
      return result;
    }
  }
}
