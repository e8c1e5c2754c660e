package dev.trafficmanager.consumers.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.trafficmanager.consumers.TestChanges;
import dev.trafficmanager.consumers.runner.RunnerStatus.Phase;
import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.event.SplitChange;
import dev.trafficmanager.resilience.Backoff;
import dev.trafficmanager.resilience.Dependency;
import dev.trafficmanager.resilience.OutageRule;
import dev.trafficmanager.resilience.RetryBudget;
import dev.trafficmanager.resilience.RetryBudgetSettings;
import dev.trafficmanager.route.RouteKey;
import dev.trafficmanager.time.MutableClock;
import dev.trafficmanager.topic.EventHeaders;
import dev.trafficmanager.topic.Topic;
import dev.trafficmanager.topic.Topics;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class ConsumerRunnerTest {
  private static final OutageRule OUTAGE =
      new OutageRule(Dependency.REDIS, Outage.class::isInstance);

  private static final Duration BOUND = Duration.ofSeconds(10);
  private static final Topic<String, RouteChange> TOPIC = Topics.defaults().routeChanges();
  private static final TopicPartition P0 = new TopicPartition(TOPIC.name(), 0);
  private static final TopicPartition P1 = new TopicPartition(TOPIC.name(), 1);
  private static final String ROUTE = "acme/billing/prod/v1";
  private static final String OTHER_ROUTE = "acme/search/prod/v1";
  private static final RunnerSettings FAST = fast(10);

  private final LogBackedConsumer consumer = new LogBackedConsumer();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  /** What the handler saw, in order: "<rev>:tried", then "<rev>:done" or "<rev>:failed". */
  private final List<String> journal = new CopyOnWriteArrayList<>();

  /** Revisions whose side effect fails, and how. */
  private final Map<Long, Supplier<RuntimeException>> failing = new ConcurrentHashMap<>();

  /** What the dead-letter topic acknowledged. */
  private final List<DeadLetter> deadLettered = new CopyOnWriteArrayList<>();

  private volatile boolean deadLetterTopicDown;

  private final DeadLetters deadLetters =
      (record, error, attempts) -> {
        if (deadLetterTopicDown) {
          throw new KafkaException("dead-letter topic unreachable");
        }
        deadLettered.add(new DeadLetter(record.offset(), error, attempts));
      };

  /** A breaker the calls of these tests never open by themselves; tests open it by hand. */
  private CircuitBreaker breaker =
      CircuitBreaker.of(
          "redis",
          OUTAGE.applyTo(CircuitBreakerConfig.custom()).minimumNumberOfCalls(1_000).build());

  private RetryBudget budget =
      new RetryBudget(
          new RetryBudgetSettings(20, Duration.ofSeconds(10), 1_000), Clock.systemUTC());

  private final ChangeHandler recordingHandler =
      ChangeHandler.oneAtATime(
          change -> {
            journal.add(change.revision() + ":tried");
            Supplier<RuntimeException> failure = failing.get(change.revision());
            if (failure != null) {
              journal.add(change.revision() + ":failed");
              throw failure.get();
            }
            journal.add(change.revision() + ":done");
          });

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
  void commitsOnlyAfterTheSideEffect() {
    List<String> committedWhenApplied = new CopyOnWriteArrayList<>();
    ChangeHandler handler =
        ChangeHandler.oneAtATime(
            change -> {
              OptionalLong committed = consumer.committedOffset(P0);
              committedWhenApplied.add(
                  change.revision()
                      + "@"
                      + (committed.isPresent() ? committed.getAsLong() : "none"));
            });
    consumer.assignAtNextPoll(List.of(P0));
    appendChanges(P0, ROUTE, 1, 2, 3);

    start(handler);

    await("all three changes committed").atMost(BOUND).until(() -> committed(P0, 3));
    // Revision n sits at offset n-1: a committed offset above n-1 would have skipped it on a crash.
    assertThat(committedWhenApplied).containsExactly("1@none", "2@none", "3@none");
    assertThat(counter(ConsumerMetrics.RECORDS_PROCESSED)).isEqualTo(3);
  }

  @Test
  void doesNotCommitWhenTheHandlerThrows() {
    consumer.assignAtNextPoll(List.of(P0));
    appendChanges(P0, ROUTE, 1, 2, 3);
    failing.put(2L, Outage::new);

    start(recordingHandler);

    await("the failed change tried three times").atMost(BOUND).until(() -> tries(2) >= 3);
    assertThat(consumer.committedOffset(P0)).hasValue(1);
    assertThat(journal).doesNotContain("3:tried");
    assertThat(runner.isRunning()).isTrue();
    assertThat(counter(ConsumerMetrics.RETRIES)).isGreaterThanOrEqualTo(2);
  }

  @Test
  void retriesTheFailedChangeThenCommitsPastItOnceItSucceeds() {
    consumer.assignAtNextPoll(List.of(P0));
    appendChanges(P0, ROUTE, 1, 2, 3);
    failing.put(2L, Outage::new);
    start(recordingHandler);
    await("the failed change tried twice").atMost(BOUND).until(() -> tries(2) >= 2);

    failing.clear();

    await("every change committed").atMost(BOUND).until(() -> committed(P0, 3));
    assertThat(journal.stream().filter(entry -> entry.endsWith(":done")))
        .containsExactly("1:done", "2:done", "3:done");
    assertThat(deadLettered).isEmpty();
  }

  @Test
  void changesAfterAFailedOneAreNotHandledBeforeItSucceeds() {
    consumer.assignAtNextPoll(List.of(P0));
    appendChanges(P0, ROUTE, 1, 2, 3);
    failing.put(2L, Outage::new);
    start(recordingHandler);
    await("the failed change tried twice").atMost(BOUND).until(() -> tries(2) >= 2);
    failing.clear();

    await("the change after it handled").atMost(BOUND).until(() -> journal.contains("3:done"));

    assertThat(journal.indexOf("3:tried")).isGreaterThan(journal.indexOf("2:done"));
    assertThat(journal.subList(0, journal.indexOf("2:done")))
        .containsOnly("1:tried", "1:done", "2:tried", "2:failed");
  }

  @Test
  void otherPartitionsKeepFlowingWhileOneRetries() {
    consumer.assignAtNextPoll(List.of(P0, P1));
    appendChanges(P0, ROUTE, 1);
    appendChanges(P1, OTHER_ROUTE, 11, 12);
    failing.put(1L, Outage::new);

    start(recordingHandler);

    await("the healthy partition committed").atMost(BOUND).until(() -> committed(P1, 2));
    assertThat(consumer.committedOffset(P0)).isEmpty();
    assertThat(journal).contains("11:done", "12:done").doesNotContain("1:done");
  }

  @Test
  void waitsForTheBackoffBeforeRetrying() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    // Full jitter drawing the middle of [0, 1 h): a 30 minute wait.
    Backoff halfAnHour = new Backoff(Duration.ofHours(1), Duration.ofHours(1), () -> 0.5);
    consumer.assignAtNextPoll(List.of(P0));
    appendChanges(P0, ROUTE, 1);
    failing.put(1L, Outage::new);
    start(recordingHandler, FAST, clock, halfAnHour);
    await("the first attempt").atMost(BOUND).until(() -> tries(1) == 1);

    int pollsAfterFailure = consumer.polls();
    await("five more polls").atMost(BOUND).until(() -> consumer.polls() >= pollsAfterFailure + 5);
    clock.advance(Duration.ofMinutes(29));
    int pollsBeforeDue = consumer.polls();
    await("five more polls").atMost(BOUND).until(() -> consumer.polls() >= pollsBeforeDue + 5);
    assertThat(tries(1)).isEqualTo(1);

    clock.advance(Duration.ofMinutes(1));
    await("the retry after the backoff").atMost(BOUND).until(() -> tries(1) == 2);
  }

  @Test
  void unreadableRecordsAreDeadLetteredAndTheRecordsAfterThemHandled() {
    consumer.assignAtNextPoll(List.of(P0));
    consumer.append(P0, ROUTE, "not json".getBytes(StandardCharsets.UTF_8));
    consumer.append(
        P0,
        ROUTE,
        json(ROUTE, 1).replace("\"created\"", "\"renamed\"").getBytes(StandardCharsets.UTF_8));
    appendChanges(P0, ROUTE, 1);

    start(recordingHandler);

    await("every record settled").atMost(BOUND).until(() -> committed(P0, 3));
    assertThat(journal).containsExactly("1:tried", "1:done");
    assertThat(deadLettered)
        .extracting(DeadLetter::offset, letter -> letter.error().getClass(), DeadLetter::attempts)
        .containsExactly(
            tuple(0L, UnreadableRecordException.class, 1),
            tuple(1L, UnreadableRecordException.class, 1));
    assertThat(counter(ConsumerMetrics.DLQ_RECORDS)).isEqualTo(2);
  }

  @Test
  void aNonRetriableFailureIsDeadLetteredAtOnce() {
    consumer.assignAtNextPoll(List.of(P0));
    appendChanges(P0, ROUTE, 1, 2);
    failing.put(1L, () -> new NonRetriableException("the sink rejects this change", null));

    start(recordingHandler);

    await("both records settled").atMost(BOUND).until(() -> committed(P0, 2));
    assertThat(tries(1)).isEqualTo(1);
    assertThat(deadLettered).singleElement().extracting(DeadLetter::attempts).isEqualTo(1);
    assertThat(journal).contains("2:done");
  }

  @Test
  void aRecordStillFailingAfterMaxAttemptsIsDeadLettered() {
    consumer.assignAtNextPoll(List.of(P0));
    appendChanges(P0, ROUTE, 1, 2);
    failing.put(1L, () -> new IllegalStateException("a bug in the handler"));

    start(recordingHandler, fast(3), Clock.systemUTC(), fast(3).backoff());

    await("both records settled").atMost(BOUND).until(() -> committed(P0, 2));
    assertThat(tries(1)).isEqualTo(3);
    assertThat(deadLettered)
        .singleElement()
        .satisfies(
            letter -> {
              assertThat(letter.offset()).isZero();
              assertThat(letter.attempts()).isEqualTo(3);
              assertThat(letter.error()).isInstanceOf(IllegalStateException.class);
            });
    assertThat(journal).contains("2:done");
  }

  @Test
  void anOutageNeverDeadLettersTheRecordHoweverOftenItFails() {
    consumer.assignAtNextPoll(List.of(P0));
    appendChanges(P0, ROUTE, 1);
    failing.put(1L, Outage::new);
    start(recordingHandler, fast(2), Clock.systemUTC(), fast(2).backoff());

    await("many more attempts than the maximum").atMost(BOUND).until(() -> tries(1) >= 6);
    assertThat(deadLettered).isEmpty();
    assertThat(consumer.committedOffset(P0)).isEmpty();

    failing.clear();
    await("the change applied and committed").atMost(BOUND).until(() -> committed(P0, 1));
    assertThat(deadLettered).isEmpty();
  }

  @Test
  void whileTheBreakerIsOpenNoCallIsMadeAndEveryPartitionWaitsRewound() {
    breaker.transitionToOpenState();
    consumer.assignAtNextPoll(List.of(P0, P1));
    appendChanges(P0, ROUTE, 1, 2);
    appendChanges(P1, OTHER_ROUTE, 11);
    // One attempt allowed: a wait that counted as one would dead-letter the records.
    start(recordingHandler, fast(1), Clock.systemUTC(), fast(1).backoff());

    await("the consumer waits for the sink")
        .atMost(BOUND)
        .until(() -> runner.status().waitingForSink() && runner.status().lagRecords() == 3);
    int polls = consumer.polls();
    await("five more polls").atMost(BOUND).until(() -> consumer.polls() >= polls + 5);
    assertThat(journal).isEmpty();
    assertThat(runner.status().pausedPartitions()).isEqualTo(2);
    assertThat(gauge(ConsumerMetrics.PAUSED)).isEqualTo(1);
    assertThat(gauge(ConsumerMetrics.LAG)).isEqualTo(3);
    assertThat(consumer.committedOffset(P0)).isEmpty();

    // The open-state wait is over: the next probe gets through.
    breaker.transitionToHalfOpenState();

    await("every change committed").atMost(BOUND).until(() -> committed(P0, 2) && committed(P1, 1));
    assertThat(journal).containsSubsequence("1:done", "2:done").contains("11:done");
    assertThat(deadLettered).isEmpty();
    await("lag back to zero, nothing paused")
        .atMost(BOUND)
        .until(() -> gauge(ConsumerMetrics.LAG) == 0 && gauge(ConsumerMetrics.PAUSED) == 0);
  }

  @Test
  void outagesOpenTheBreakerWhichPausesEveryPartitionUntilAProbeGoesThrough() {
    breaker =
        CircuitBreaker.of(
            "redis",
            OUTAGE
                .applyTo(CircuitBreakerConfig.custom())
                .slidingWindow(10, 2, SlidingWindowType.COUNT_BASED)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofMillis(300))
                .permittedNumberOfCallsInHalfOpenState(1)
                .build());
    consumer.assignAtNextPoll(List.of(P0, P1));
    appendChanges(P0, ROUTE, 1);
    appendChanges(P1, OTHER_ROUTE, 11);
    failing.put(1L, Outage::new);
    failing.put(11L, Outage::new);
    start(recordingHandler);

    await("the breaker opened and the consumer waits")
        .atMost(BOUND)
        .until(() -> runner.status().waitingForSink());
    assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);

    failing.clear();

    await("both changes committed and the consumer no longer waiting")
        .atMost(BOUND)
        .until(() -> committed(P0, 1) && committed(P1, 1) && !runner.status().waitingForSink());
    assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void anExhaustedRetryBudgetMakesNoCallAndTheRecordWaits() {
    // No share of requests and no floor: every retry is refused.
    budget =
        new RetryBudget(new RetryBudgetSettings(0, Duration.ofSeconds(1), 0), Clock.systemUTC());
    consumer.assignAtNextPoll(List.of(P0));
    appendChanges(P0, ROUTE, 1);
    failing.put(1L, Outage::new);
    start(recordingHandler, fast(1), Clock.systemUTC(), fast(1).backoff());

    await("three retries refused")
        .atMost(BOUND)
        .until(() -> counter(ConsumerMetrics.RETRIES_REFUSED) >= 3);

    assertThat(tries(1)).isEqualTo(1);
    assertThat(budget.rejections()).isGreaterThanOrEqualTo(3);
    assertThat(deadLettered).isEmpty();
    assertThat(consumer.committedOffset(P0)).isEmpty();
    assertThat(runner.status().retryingPartitions()).isEqualTo(1);
  }

  @Test
  void aFailedDeadLetterWriteKeepsTheRecordAndTriesAgain() {
    deadLetterTopicDown = true;
    consumer.assignAtNextPoll(List.of(P0));
    consumer.append(P0, ROUTE, "not json".getBytes(StandardCharsets.UTF_8));
    appendChanges(P0, ROUTE, 1);
    start(recordingHandler);

    await("the dead-letter write failed twice")
        .atMost(BOUND)
        .until(() -> counter(ConsumerMetrics.RETRIES) >= 2);
    assertThat(consumer.committedOffset(P0)).isEmpty();
    assertThat(journal).isEmpty();

    deadLetterTopicDown = false;

    await("both records settled").atMost(BOUND).until(() -> committed(P0, 2));
    assertThat(deadLettered).singleElement().extracting(DeadLetter::offset).isEqualTo(0L);
    assertThat(journal).containsExactly("1:tried", "1:done");
  }

  @Test
  void handlesEachChangeWithItsCorrelationIdInTheMdc() {
    List<String> seen = new CopyOnWriteArrayList<>();
    consumer.assignAtNextPoll(List.of(P0));
    appendChanges(P0, ROUTE, 1, 2);

    start(ChangeHandler.oneAtATime(change -> seen.add(MDC.get(ConsumerRunner.CORRELATION_ID))));

    await("both changes handled").atMost(BOUND).until(() -> seen.size() == 2);
    assertThat(seen).containsExactly("corr-1", "corr-2");
  }

  @Test
  void aCommitThatFailedIsSentAgainWithoutWaitingForANewRecord() {
    handleOneChangeWhileCommitsAreRejected();

    consumer.rejectCommits(false);

    await("the offset committed with no new record").atMost(BOUND).until(() -> committed(P0, 1));
    assertThat(journal).containsExactly("1:tried", "1:done");
  }

  @Test
  void commitsWhatFinishedWhenPartitionsAreRevoked() {
    handleOneChangeWhileCommitsAreRejected();

    // Only the revocation may commit: before it every commit fails, after it nothing is assigned.
    consumer.schedulePollTask(
        () -> {
          consumer.rejectCommits(false);
          consumer.rebalance(List.of());
        });

    await("the finished offset committed on revoke").atMost(BOUND).until(() -> committed(P0, 1));
  }

  @Test
  void wakeupStopsTheLoopAndClosesTheConsumer() {
    consumer.assignAtNextPoll(List.of(P0));
    appendChanges(P0, ROUTE, 1);
    start(recordingHandler);
    await("the change committed").atMost(BOUND).until(() -> committed(P0, 1));

    runner.wakeup();

    await("runner thread ended").atMost(BOUND).until(() -> !thread.isAlive());
    assertThat(consumer.closed()).isTrue();
    assertThat(runner.isRunning()).isFalse();
    assertThat(runner.status().phase()).isEqualTo(Phase.STOPPED);
  }

  @Test
  void refusesToRunTwice() {
    consumer.assignAtNextPoll(List.of(P0));
    start(recordingHandler);
    await("runner running").atMost(BOUND).until(runner::isRunning);

    assertThatThrownBy(runner::run)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already run");
  }

  @Test
  void aBrokenPollEndsTheRunnerAndClosesTheConsumer() {
    consumer.assignAtNextPoll(List.of(P0));
    consumer.setPollException(new KafkaException("broker says no"));
    ConsumerRunner broken = runner(recordingHandler, FAST, Clock.systemUTC(), FAST.backoff());

    assertThatThrownBy(broken::run).isInstanceOf(KafkaException.class);
    assertThat(broken.isRunning()).isFalse();
    assertThat(broken.status().phase()).isEqualTo(Phase.FAILED);
    assertThat(broken.status().failure()).hasValueSatisfying(f -> assertThat(f).contains("no"));
    assertThat(consumer.closed()).isTrue();
  }

  /**
   * The compatibility rule of schema_version 2: a consumer built for version 1 (a handler that
   * applies route changes only) keeps working on a change stream that carries split changes. It
   * skips them, whether the event-type header marks them or only their body does, and commits past
   * them; none is dead-lettered.
   */
  @Test
  void aVersionOneHandlerSkipsSplitChangesAndNeverDeadLettersThem() {
    consumer.assignAtNextPoll(List.of(P0));
    appendChanges(P0, ROUTE, 1, 2);
    appendSplit(P0, 1, true);
    appendSplit(P0, 2, false);
    appendChanges(P0, ROUTE, 3);

    start(recordingHandler);

    await("every record committed").atMost(BOUND).until(() -> committed(P0, 5));
    assertThat(journal)
        .containsExactly("1:tried", "1:done", "2:tried", "2:done", "3:tried", "3:done");
    assertThat(deadLettered).isEmpty();
  }

  @Test
  void aHandlerThatTakesSplitChangesGetsThemInOrderBetweenRouteChanges() {
    ChangeHandler handler =
        new ChangeHandler() {
          @Override
          public BatchResult apply(List<RouteChange> changes) {
            changes.forEach(c -> journal.add("route:" + c.revision()));
            return BatchResult.all(changes.size());
          }

          @Override
          public BatchResult applySplits(List<SplitChange> changes) {
            changes.forEach(c -> journal.add("split:" + c.revision()));
            return BatchResult.all(changes.size());
          }
        };
    consumer.assignAtNextPoll(List.of(P0));
    appendChanges(P0, ROUTE, 1);
    appendSplit(P0, 1, true);
    appendSplit(P0, 2, false);
    appendChanges(P0, ROUTE, 2);

    start(handler);

    await("every record committed").atMost(BOUND).until(() -> committed(P0, 4));
    assertThat(journal).containsExactly("route:1", "split:1", "split:2", "route:2");
    assertThat(deadLettered).isEmpty();
  }

  private void appendSplit(TopicPartition partition, long revision, boolean withHeader) {
    SplitChange change = TestChanges.split(revision, Map.of("v1", 90, "v2", 10));
    Topic<String, SplitChange> splits = Topics.defaults().splitChanges();
    RecordHeaders headers = new RecordHeaders();
    if (withHeader) {
      headers.add(EventHeaders.EVENT_TYPE, "split_changed".getBytes(StandardCharsets.UTF_8));
    }
    consumer.append(
        partition,
        "acme/billing/prod",
        splits.valueSerde().serializer().serialize(splits.name(), change),
        headers);
  }

  private static RunnerSettings fast(int maxAttempts) {
    return new RunnerSettings(
        Duration.ofMillis(20),
        Duration.ofMillis(5),
        Duration.ofMillis(20),
        Duration.ofSeconds(1),
        maxAttempts,
        Duration.ofMinutes(5),
        Duration.ofSeconds(1),
        500);
  }

  private void start(ChangeHandler handler) {
    start(handler, FAST, Clock.systemUTC(), FAST.backoff());
  }

  private void start(ChangeHandler handler, RunnerSettings settings, Clock clock, Backoff backoff) {
    runner = runner(handler, settings, clock, backoff);
    thread = new Thread(runner, "test-consumer");
    thread.start();
  }

  private ConsumerRunner runner(
      ChangeHandler handler, RunnerSettings settings, Clock clock, Backoff backoff) {
    Sink sink = new Sink(Dependency.REDIS, breaker, budget, OUTAGE::test);
    return ConsumerRunner.builder()
        .name("test")
        .consumer(consumer)
        .topic(TOPIC)
        .handler(handler)
        .sink(sink)
        .deadLetters(deadLetters)
        .metrics(new ConsumerMetrics("test", meters))
        .settings(settings)
        .policy(new FailurePolicy(settings.maxAttempts(), backoff, sink.isTransient()))
        .clock(clock)
        .build();
  }

  private void handleOneChangeWhileCommitsAreRejected() {
    consumer.assignAtNextPoll(List.of(P0));
    appendChanges(P0, ROUTE, 1);
    consumer.rejectCommits(true);
    start(recordingHandler);
    await("the change handled and its commit rejected")
        .atMost(BOUND)
        .until(() -> journal.contains("1:done") && consumer.rejectedCommits() >= 1);
  }

  private boolean committed(TopicPartition partition, long offset) {
    return consumer.committedOffset(partition).equals(OptionalLong.of(offset));
  }

  private long tries(long revision) {
    return journal.stream().filter(entry -> entry.equals(revision + ":tried")).count();
  }

  private double counter(String name) {
    return meters.get(name).tag(ConsumerMetrics.TAG, "test").counter().count();
  }

  private double gauge(String name) {
    return meters.get(name).tag(ConsumerMetrics.TAG, "test").gauge().value();
  }

  private void appendChanges(TopicPartition partition, String route, long... revisions) {
    for (long revision : revisions) {
      consumer.append(partition, route, json(route, revision).getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String json(String route, long revision) {
    RouteChange change = TestChanges.change(RouteKey.parse(route), revision);
    return new String(
        TOPIC.valueSerde().serializer().serialize(TOPIC.name(), change), StandardCharsets.UTF_8);
  }

  /** Redis down, as the sink's classification sees it: a transient failure. */
  private static final class Outage extends RuntimeException {
    Outage() {
      super("Redis is down");
    }
  }

  private record DeadLetter(long offset, RuntimeException error, int attempts) {}
}
