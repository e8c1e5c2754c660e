package dev.trafficmanager.consumers.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.trafficmanager.consumers.TestChanges;
import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.route.RouteKey;
import dev.trafficmanager.topic.Topic;
import dev.trafficmanager.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class ConsumerRunnerTest {
  private static final Duration BOUND = Duration.ofSeconds(10);
  private static final Topic<String, RouteChange> TOPIC = Topics.defaults().routeChanges();
  private static final TopicPartition P0 = new TopicPartition(TOPIC.name(), 0);
  private static final TopicPartition P1 = new TopicPartition(TOPIC.name(), 1);
  private static final String ROUTE = "acme/billing/prod/v1";
  private static final String OTHER_ROUTE = "acme/search/prod/v1";
  private static final RunnerSettings FAST =
      new RunnerSettings(
          Duration.ofMillis(20),
          Duration.ofMillis(5),
          Duration.ofMillis(20),
          Duration.ofSeconds(1));

  private final LogBackedConsumer consumer = new LogBackedConsumer();

  /** What the handler saw, in order: "<rev>:tried", then "<rev>:done" or "<rev>:failed". */
  private final List<String> journal = new CopyOnWriteArrayList<>();

  /** Revisions whose side effect fails, as a write to a Redis that is down does. */
  private final Set<Long> failing = ConcurrentHashMap.newKeySet();

  private final ChangeHandler recordingHandler =
      change -> {
        journal.add(change.revision() + ":tried");
        if (failing.contains(change.revision())) {
          journal.add(change.revision() + ":failed");
          throw new IllegalStateException("Redis is down");
        }
        journal.add(change.revision() + ":done");
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
  void commitsOnlyAfterTheSideEffect() {
    List<String> committedWhenApplied = new CopyOnWriteArrayList<>();
    ChangeHandler handler =
        change -> {
          OptionalLong committed = consumer.committedOffset(P0);
          committedWhenApplied.add(
              change.revision() + "@" + (committed.isPresent() ? committed.getAsLong() : "none"));
        };
    consumer.assignAtNextPoll(List.of(P0));
    appendChanges(P0, ROUTE, 1, 2, 3);

    start(handler, FAST, Clock.systemUTC());

    await("all three changes committed")
        .atMost(BOUND)
        .until(() -> consumer.committedOffset(P0).equals(OptionalLong.of(3)));
    // Revision n sits at offset n-1: a committed offset above n-1 would have skipped it on a crash.
    assertThat(committedWhenApplied).containsExactly("1@none", "2@none", "3@none");
  }

  @Test
  void doesNotCommitWhenTheHandlerThrows() {
    consumer.assignAtNextPoll(List.of(P0));
    appendChanges(P0, ROUTE, 1, 2, 3);
    failing.add(2L);

    start(recordingHandler, FAST, Clock.systemUTC());

    await("the failed change tried three times").atMost(BOUND).until(() -> tries(2) >= 3);
    assertThat(consumer.committedOffset(P0)).hasValue(1);
    assertThat(journal).doesNotContain("3:tried");
    assertThat(runner.isRunning()).isTrue();
  }

  @Test
  void retriesTheFailedChangeThenCommitsPastItOnceItSucceeds() {
    consumer.assignAtNextPoll(List.of(P0));
    appendChanges(P0, ROUTE, 1, 2, 3);
    failing.add(2L);
    start(recordingHandler, FAST, Clock.systemUTC());
    await("the failed change tried twice").atMost(BOUND).until(() -> tries(2) >= 2);

    failing.clear();

    await("every change committed")
        .atMost(BOUND)
        .until(() -> consumer.committedOffset(P0).equals(OptionalLong.of(3)));
    assertThat(journal.stream().filter(entry -> entry.endsWith(":done")))
        .containsExactly("1:done", "2:done", "3:done");
  }

  @Test
  void changesAfterAFailedOneAreNotHandledBeforeItSucceeds() {
    consumer.assignAtNextPoll(List.of(P0));
    appendChanges(P0, ROUTE, 1, 2, 3);
    failing.add(2L);
    start(recordingHandler, FAST, Clock.systemUTC());
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
    failing.add(1L);

    start(recordingHandler, FAST, Clock.systemUTC());

    await("the healthy partition committed")
        .atMost(BOUND)
        .until(() -> consumer.committedOffset(P1).equals(OptionalLong.of(2)));
    assertThat(consumer.committedOffset(P0)).isEmpty();
    assertThat(journal).contains("11:done", "12:done").doesNotContain("1:done");
  }

  @Test
  void waitsForTheBackoffBeforeRetrying() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    RunnerSettings hourlyRetries =
        new RunnerSettings(
            Duration.ofMillis(20), Duration.ofHours(1), Duration.ofHours(1), Duration.ofSeconds(1));
    consumer.assignAtNextPoll(List.of(P0));
    appendChanges(P0, ROUTE, 1);
    failing.add(1L);
    start(recordingHandler, hourlyRetries, clock);
    await("the first attempt").atMost(BOUND).until(() -> tries(1) == 1);

    int pollsAfterFailure = consumer.polls();
    await("five more polls").atMost(BOUND).until(() -> consumer.polls() >= pollsAfterFailure + 5);
    assertThat(tries(1)).isEqualTo(1);

    clock.advance(Duration.ofHours(1));
    await("the retry after the backoff").atMost(BOUND).until(() -> tries(1) == 2);
  }

  @Test
  void skipsUnreadableRecordsAndCommitsPastThem() {
    consumer.assignAtNextPoll(List.of(P0));
    consumer.append(P0, ROUTE, "not json".getBytes(StandardCharsets.UTF_8));
    consumer.append(
        P0,
        ROUTE,
        json(ROUTE, 1).replace("\"created\"", "\"renamed\"").getBytes(StandardCharsets.UTF_8));
    appendChanges(P0, ROUTE, 1);

    start(recordingHandler, FAST, Clock.systemUTC());

    await("every record settled")
        .atMost(BOUND)
        .until(() -> consumer.committedOffset(P0).equals(OptionalLong.of(3)));
    assertThat(journal).containsExactly("1:tried", "1:done");
  }

  @Test
  void handlesEachChangeWithItsCorrelationIdInTheMdc() {
    List<String> seen = new CopyOnWriteArrayList<>();
    consumer.assignAtNextPoll(List.of(P0));
    appendChanges(P0, ROUTE, 1, 2);

    start(change -> seen.add(MDC.get(ConsumerRunner.CORRELATION_ID)), FAST, Clock.systemUTC());

    await("both changes handled").atMost(BOUND).until(() -> seen.size() == 2);
    assertThat(seen).containsExactly("corr-1", "corr-2");
  }

  @Test
  void commitsWhatFinishedWhenPartitionsAreRevoked() {
    consumer.assignAtNextPoll(List.of(P0));
    appendChanges(P0, ROUTE, 1);
    consumer.rejectCommits(true);
    start(recordingHandler, FAST, Clock.systemUTC());
    await("the change handled and its commit rejected")
        .atMost(BOUND)
        .until(() -> journal.contains("1:done") && consumer.rejectedCommits() >= 1);

    // Only the revocation may commit: before it every commit fails, after it nothing is assigned.
    consumer.schedulePollTask(
        () -> {
          consumer.rejectCommits(false);
          consumer.rebalance(List.of());
        });

    await("the finished offset committed on revoke")
        .atMost(BOUND)
        .until(() -> consumer.committedOffset(P0).equals(OptionalLong.of(1)));
  }

  @Test
  void wakeupStopsTheLoopAndClosesTheConsumer() {
    consumer.assignAtNextPoll(List.of(P0));
    appendChanges(P0, ROUTE, 1);
    start(recordingHandler, FAST, Clock.systemUTC());
    await("the change committed")
        .atMost(BOUND)
        .until(() -> consumer.committedOffset(P0).equals(OptionalLong.of(1)));

    runner.wakeup();

    await("runner thread ended").atMost(BOUND).until(() -> !thread.isAlive());
    assertThat(consumer.closed()).isTrue();
    assertThat(runner.isRunning()).isFalse();
  }

  @Test
  void refusesToRunTwice() {
    consumer.assignAtNextPoll(List.of(P0));
    start(recordingHandler, FAST, Clock.systemUTC());
    await("runner running").atMost(BOUND).until(runner::isRunning);

    assertThatThrownBy(runner::run)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already run");
  }

  @Test
  void aBrokenPollEndsTheRunnerAndClosesTheConsumer() {
    consumer.assignAtNextPoll(List.of(P0));
    consumer.setPollException(new KafkaException("broker says no"));
    ConsumerRunner broken =
        new ConsumerRunner(
            "test", consumer, TOPIC, recordingHandler, policy(FAST), FAST, Clock.systemUTC());

    assertThatThrownBy(broken::run).isInstanceOf(KafkaException.class);
    assertThat(broken.isRunning()).isFalse();
    assertThat(consumer.closed()).isTrue();
  }

  private void start(ChangeHandler handler, RunnerSettings settings, Clock clock) {
    runner =
        new ConsumerRunner("test", consumer, TOPIC, handler, policy(settings), settings, clock);
    thread = new Thread(runner, "test-consumer");
    thread.start();
  }

  private static FailurePolicy policy(RunnerSettings settings) {
    return settings.backoffRetryPolicy();
  }

  private long tries(long revision) {
    return journal.stream().filter(entry -> entry.equals(revision + ":tried")).count();
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
}
