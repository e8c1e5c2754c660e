package dev.trafficmanager.consumers;

import static dev.trafficmanager.consumers.CacheWarmingConsumerTest.cached;
import static dev.trafficmanager.consumers.TestChanges.change;
import static dev.trafficmanager.consumers.TestChanges.url;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trafficmanager.cache.RedisFailures;
import dev.trafficmanager.consumers.runner.ChangeHandler;
import dev.trafficmanager.database.DatabaseFailures;
import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.route.CacheEntry;
import dev.trafficmanager.route.RouteKey;
import dev.trafficmanager.service.ServiceContext;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A consumer killed between a record's side effect and its commit: the record is replayed by the
 * next consumer of the group, and the effect is still there exactly once.
 */
@ExtendWith(SharedServers.class)
class ReplayAfterCrashTest {
  private static final Duration BOUND = Duration.ofSeconds(30);
  private static final RouteKey ROUTE = RouteKey.parse("acme/billing/prod/v1");

  @ParameterizedTest
  @ValueSource(strings = {ConsumerService.AUDIT_LOG, ConsumerService.CACHE_WARMING})
  void aRecordWhoseCommitDiedWithTheConsumerIsReplayedWithoutDoublingItsEffect(
      String consumer, TestEnvironment env) {
    env.createTopics();
    RouteChange change = change(ROUTE, 1);
    try (RouteChangesTopic topic = new RouteChangesTopic(env);
        ServiceContext context =
            ServiceContext.create(
                env.settings(), "test", DatabaseFailures.OUTAGE, RedisFailures.OUTAGE)) {
      RecordMetadata written = topic.send(change);
      AtomicInteger effects = new AtomicInteger();

      try (ConsumerService crashing =
          new ConsumerService(consumer, context, false, handler -> crashAfter(handler, effects))) {
        crashing.start();
        await("the effect applied, then the consumer dead")
            .atMost(BOUND)
            .until(() -> effects.get() == 1 && !crashing.isRunning());
      }
      assertThat(effectOf(consumer, env, change)).isEqualTo(1);
      assertThat(topic.committed(consumer, written)).isEqualTo(-1L);

      ConsumerMeters meters = new ConsumerMeters(context.meters(), consumer);
      try (ConsumerService restarted = new ConsumerService(consumer, context)) {
        restarted.start();
        await("the record replayed and committed")
            .atMost(BOUND)
            .until(() -> topic.committed(consumer, written) == written.offset() + 1);
        assertThat(meters.processed()).isEqualTo(1);
      }

      assertThat(effectOf(consumer, env, change)).isEqualTo(1);
    }
  }

  /** How many times the change's effect is there: audit rows of its event, cache entries of it. */
  private static int effectOf(String consumer, TestEnvironment env, RouteChange change) {
    if (consumer.equals(ConsumerService.AUDIT_LOG)) {
      List<UUID> rows =
          env.jdbi()
              .withHandle(
                  h ->
                      h.createQuery("SELECT event_id FROM audit_log WHERE route_key = :route")
                          .bind("route", change.routeKey())
                          .mapTo(UUID.class)
                          .list());
      assertThat(rows).containsOnly(change.eventId());
      return rows.size();
    }
    Optional<CacheEntry> entry = cached(env.redis(), ROUTE);
    assertThat(entry).contains(CacheEntry.resolving(url(ROUTE, 1), 1));
    return entry.isPresent() ? 1 : 0;
  }

  /** Applies the real effect, then dies the way a killed process does: no commit follows. */
  private static ChangeHandler crashAfter(ChangeHandler handler, AtomicInteger effects) {
    return changes -> {
      effects.addAndGet(handler.apply(changes).applied());
      throw new Killed();
    };
  }

  /** Not an exception a handler throws: nothing in the runner catches it, as with a kill. */
  private static final class Killed extends Error {
    Killed() {
      super("killed after the side effect, before the commit");
    }
  }
}
