package dev.trafficmanager.consumers.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trafficmanager.consumers.TestChanges;
import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.resilience.Backoff;
import dev.trafficmanager.resilience.Dependency;
import dev.trafficmanager.resilience.OutageRule;
import dev.trafficmanager.resilience.RetryBudget;
import dev.trafficmanager.resilience.RetryBudgetSettings;
import dev.trafficmanager.route.RouteKey;
import dev.trafficmanager.topic.Topic;
import dev.trafficmanager.topic.Topics;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A poll's records go to the handler as one batch, and the record that fails inside it is treated
 * exactly as a record handled alone: the records before it applied once, it retried or
 * dead-lettered by itself, and nothing after it in its partition applied before it is settled.
 */
class BatchFailureTest {
  private static final OutageRule OUTAGE =
      new OutageRule(Dependency.REDIS, Outage.class::isInstance);

  private static final Duration BOUND = Duration.ofSeconds(10);
  private static final Topic<String, RouteChange> TOPIC = Topics.defaults().routeChanges();
  private static final TopicPartition P0 = new TopicPartition(TOPIC.name(), 0);
  private static final TopicPartition P1 = new TopicPartition(TOPIC.name(), 1);
  private static final String ROUTE = "acme/billing/prod/v1";
  private static final String OTHER_ROUTE = "acme/search/prod/v1";

  private final LogBackedConsumer consumer = new LogBackedConsumer();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  /** The revisions of every batch the handler was given, in order. */
  private final List<List<Long>> batches = new CopyOnWriteArrayList<>();

  /** The revisions whose effect was applied, in order. */
  private final List<Long> applied = new CopyOnWriteArrayList<>();

  /** Revisions that fail, how, and how many more times. */
  private final Map<Long, Failure> failing = new ConcurrentHashMap<>();

  private final List<Long> deadLettered = new CopyOnWriteArrayList<>();

  private final ChangeHandler handler =
      changes -> {
        List<Long> revisions = new ArrayList<>();
        changes.forEach(change -> revisions.add(change.revision()));
        batches.add(revisions);
        for (int i = 0; i < changes.size(); i++) {
          long revision = changes.get(i).revision();
          Failure failure = failing.get(revision);
          if (failure != null && failure.times().getAndDecrement() > 0) {
            return BatchResult.failedAt(i, failure.error().get());
          }
          applied.add(revision);
        }
        return BatchResult.all(changes.size());
      };

  private ConsumerRunner runner;
  private Thread thread;

  @AfterEach
  void stopRunner() {
    if (runner != null) {
      runner.wakeup();
      await("runner thread ended").atMost(BOUND).until(() -> !thread.isAlive());
    }
  }

  @Test
  void theThirdRecordOfABatchFailingIsRetriedAloneAfterTheTwoBeforeItAndBeforeTheRest() {
    consumer.assignAtNextPoll(List.of(P0));
    appendChanges(P0, ROUTE, 1, 2, 3, 4, 5);
    failing.put(3L, new Failure(Outage::new, 2));

    start(handler);

    await("every change committed").atMost(BOUND).until(() -> committed(P0, 5));
    assertThat(applied).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(batches)
        .containsExactly(List.of(1L, 2L, 3L, 4L, 5L), List.of(3L), List.of(3L), List.of(4L, 5L));
    assertThat(deadLettered).isEmpty();
    assertThat(counter(ConsumerMetrics.RETRIES)).isEqualTo(2);
    assertThat(counter(ConsumerMetrics.RECORDS_PROCESSED)).isEqualTo(5);
  }

  @Test
  void theThirdRecordOfABatchThatCanNeverSucceedIsDeadLetteredAloneAndTheRestFollows() {
    consumer.assignAtNextPoll(List.of(P0));
    appendChanges(P0, ROUTE, 1, 2, 3, 4, 5);
    failing.put(
        3L, new Failure(() -> new NonRetriableException("the sink rejects this change", null), 1));

    start(handler);

    await("every record settled").atMost(BOUND).until(() -> committed(P0, 5));
    assertThat(applied).containsExactly(1L, 2L, 4L, 5L);
    assertThat(batches).containsExactly(List.of(1L, 2L, 3L, 4L, 5L), List.of(4L, 5L));
    // Revision 3 sits at offset 2.
    assertThat(deadLettered).containsExactly(2L);
  }

  @Test
  void theThirdRecordStillFailingAfterMaxAttemptsIsDeadLetteredWithNothingAfterItAppliedBefore() {
    consumer.assignAtNextPoll(List.of(P0));
    appendChanges(P0, ROUTE, 1, 2, 3, 4, 5);
    failing.put(3L, new Failure(() -> new IllegalStateException("a bug"), Integer.MAX_VALUE));

    start(handler, 3);

    await("every record settled").atMost(BOUND).until(() -> committed(P0, 5));
    assertThat(applied).containsExactly(1L, 2L, 4L, 5L);
    assertThat(batches)
        .containsExactly(List.of(1L, 2L, 3L, 4L, 5L), List.of(3L), List.of(3L), List.of(4L, 5L));
    assertThat(deadLettered).containsExactly(2L);
  }

  @Test
  void aFailureHoldsBackOnlyItsOwnPartitionTheOthersRecordsFollowInTheNextBatch() {
    consumer.assignAtNextPoll(List.of(P0, P1));
    appendChanges(P0, ROUTE, 1, 2, 3);
    appendChanges(P1, OTHER_ROUTE, 11, 12);
    failing.put(3L, new Failure(Outage::new, Integer.MAX_VALUE));
    failing.put(11L, new Failure(Outage::new, 1));

    start(handler);

    await("the other partition committed, the failing one up to its failure")
        .atMost(BOUND)
        .until(() -> committed(P1, 2) && committed(P0, 2));
    assertThat(applied).containsOnlyOnce(1L, 2L, 11L, 12L).doesNotContain(3L);
    assertThat(applied.indexOf(12L)).isGreaterThan(applied.indexOf(11L));
    assertThat(applied.indexOf(2L)).isGreaterThan(applied.indexOf(1L));
    assertThat(batches.get(0)).containsExactlyInAnyOrder(1L, 2L, 3L, 11L, 12L);
  }

  @Test
  void aHandlerThatThrowsAppliedNoneOfItsBatch() {
    consumer.assignAtNextPoll(List.of(P0));
    appendChanges(P0, ROUTE, 1, 2, 3);
    AtomicInteger calls = new AtomicInteger();
    ChangeHandler throwingOnce =
        changes -> {
          if (calls.getAndIncrement() == 0) {
            throw new Outage();
          }
          return handler.apply(changes);
        };

    start(throwingOnce);

    await("every change committed").atMost(BOUND).until(() -> committed(P0, 3));
    assertThat(applied).containsExactly(1L, 2L, 3L);
    assertThat(batches).containsExactly(List.of(1L), List.of(2L, 3L));
  }

  private void start(ChangeHandler handler) {
    start(handler, 10);
  }

  private void start(ChangeHandler handler, int maxAttempts) {
    CircuitBreaker breaker =
        CircuitBreaker.of(
            "redis",
            OUTAGE.applyTo(CircuitBreakerConfig.custom()).minimumNumberOfCalls(1_000).build());
    RetryBudget budget =
        new RetryBudget(
            new RetryBudgetSettings(20, Duration.ofSeconds(10), 1_000), Clock.systemUTC());
    Sink sink = new Sink(Dependency.REDIS, breaker, budget, OUTAGE::test);
    RunnerSettings settings =
        new RunnerSettings(
            Duration.ofMillis(20),
            Duration.ofMillis(5),
            Duration.ofMillis(20),
            Duration.ofSeconds(1),
            maxAttempts,
            Duration.ofMinutes(5),
            Duration.ofSeconds(1),
            500);
    runner =
        ConsumerRunner.builder()
            .name("test")
            .consumer(consumer)
            .topic(TOPIC)
            .handler(handler)
            .sink(sink)
            .deadLetters((record, error, attempts) -> deadLettered.add(record.offset()))
            .metrics(new ConsumerMetrics("test", meters))
            .settings(settings)
            .policy(
                new FailurePolicy(
                    maxAttempts,
                    new Backoff(Duration.ofMillis(5), Duration.ofMillis(20)),
                    sink.isTransient()))
            .build();
    thread = new Thread(runner, "test-consumer");
    thread.start();
  }

  private boolean committed(TopicPartition partition, long offset) {
    return consumer.committedOffset(partition).equals(OptionalLong.of(offset));
  }

  private double counter(String name) {
    return meters.get(name).tag(ConsumerMetrics.TAG, "test").counter().count();
  }

  private void appendChanges(TopicPartition partition, String route, long... revisions) {
    for (long revision : revisions) {
      RouteChange change = TestChanges.change(RouteKey.parse(route), revision);
      consumer.append(
          partition, route, TOPIC.valueSerde().serializer().serialize(TOPIC.name(), change));
    }
  }

  private record Failure(Supplier<RuntimeException> error, AtomicInteger times) {
    Failure(Supplier<RuntimeException> error, int times) {
      this(error, new AtomicInteger(times));
    }
  }

  /** Redis down, as the sink's classification sees it: a transient failure. */
  private static final class Outage extends RuntimeException {
    Outage() {
      super("Redis is down");
    }
  }
}
