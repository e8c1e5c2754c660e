package dev.trafficmanager.consumers.runner;

import dev.trafficmanager.consumers.runner.FailurePolicy.Action;
import dev.trafficmanager.consumers.runner.FailurePolicy.Decision;
import java.time.Clock;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What becomes of each record the {@link PollProcessor} is done with, and the bookkeeping and log
 * line that go with it: settled (applied, or acknowledged by the dead-letter topic), so its offset
 * may be committed past; or rewound and paused to be tried again later, as the {@link
 * FailurePolicy} decides.
 */
final class Settlement {
  private static final Logger log = LoggerFactory.getLogger(Settlement.class);

  private final String name;
  private final Consumer<byte[], byte[]> consumer;
  private final Sink sink;
  private final DeadLetters deadLetters;
  private final FailurePolicy policy;
  private final ConsumerMetrics metrics;
  private final PartitionRetries retries;
  private final OffsetTracker offsets;
  private final Clock clock;

  Settlement(
      String name,
      Consumer<byte[], byte[]> consumer,
      Sink sink,
      DeadLetters deadLetters,
      FailurePolicy policy,
      ConsumerMetrics metrics,
      PartitionRetries retries,
      OffsetTracker offsets,
      Clock clock) {
    this.name = name;
    this.consumer = consumer;
    this.sink = sink;
    this.deadLetters = deadLetters;
    this.policy = policy;
    this.metrics = metrics;
    this.retries = retries;
    this.offsets = offsets;
    this.clock = clock;
  }

  /** The record's effect is applied, or it is in the dead-letter topic: its offset may pass. */
  void settle(PendingRecord record) {
    offsets.settle(record.record());
    retries.settled(record.partition(), record.offset());
    if (record.attempts().made() > 0) {
      record.log(
          () ->
              log.info(
                  "record settled after failures consumer={} topic={} partition={} offset={}"
                      + " failures={}",
                  name,
                  record.record().topic(),
                  record.record().partition(),
                  record.offset(),
                  record.attempts().made()));
    }
  }

  /** Decides what becomes of a record that failed and does it; returns whether it is settled. */
  boolean fail(PendingRecord record, RuntimeException error) {
    Decision decision = policy.afterFailure(error, record.attempts());
    if (decision.action() == Action.DEAD_LETTER) {
      return deadLetter(record, error, decision.attempts());
    }
    retryLater(record, decision);
    metrics.retried();
    record.log(
        () -> {
          if (decision.attempts().made() == 1) {
            log.warn(
                "record failed, partition rewound to retry it consumer={} topic={} partition={}"
                    + " offset={} attempt={} outage={} wait_ms={}",
                name,
                record.record().topic(),
                record.record().partition(),
                record.offset(),
                decision.attempts().made(),
                decision.outage(),
                decision.delay().toMillis(),
                error);
          } else {
            // The stack trace went out with the first attempt; repeating it adds only volume.
            log.warn(
                "record failed again consumer={} topic={} partition={} offset={} attempt={}"
                    + " outage={} wait_ms={} error=\"{}\"",
                name,
                record.record().topic(),
                record.record().partition(),
                record.offset(),
                decision.attempts().made(),
                decision.outage(),
                decision.delay().toMillis(),
                error.toString());
          }
        });
    return false;
  }

  /** The retry budget refused the record's retry: it waits for another backoff. */
  void budgetRefused(PendingRecord record) {
    metrics.retryRefused();
    Decision decision = policy.afterBudgetRefused(record.attempts());
    retryLater(record, decision);
    record.log(
        () ->
            log.warn(
                "retry refused by the retry budget, the record waits consumer={} sink={}"
                    + " topic={} partition={} offset={} attempts={} wait_ms={}",
                name,
                sink.dependency(),
                record.record().topic(),
                record.record().partition(),
                record.offset(),
                record.attempts().made(),
                decision.delay().toMillis()));
  }

  /**
   * The sink's breaker refused the call: every partition pauses until it lets a probe through (see
   * {@link PauseControl}).
   */
  void waitForSink(PendingRecord record) {
    Decision decision = policy.afterBreakerRefused(record.attempts());
    retries.retryAt(record.partition(), record.offset(), decision.attempts(), clock.instant());
    consumer.pause(consumer.assignment());
    if (retries.waitForSink()) {
      log.warn(
          "sink refuses calls, consumer paused and rewound until its circuit breaker lets a probe"
              + " through consumer={} sink={} circuit_breaker={} topic={} partition={} offset={}",
          name,
          sink.dependency(),
          sink.breaker().getState(),
          record.record().topic(),
          record.record().partition(),
          record.offset());
    }
  }

  private boolean deadLetter(PendingRecord record, RuntimeException error, Attempts attempts) {
    try {
      deadLetters.publish(record.record(), error, attempts.made());
    } catch (WakeupException | InterruptException e) {
      throw e;
    } catch (RuntimeException e) {
      Decision decision = policy.afterDeadLetterFailed(attempts);
      retryLater(record, decision);
      metrics.retried();
      record.log(
          () ->
              log.warn(
                  "dead-letter write failed, the record is kept and tried again consumer={}"
                      + " topic={} partition={} offset={} wait_ms={} error=\"{}\"",
                  name,
                  record.record().topic(),
                  record.record().partition(),
                  record.offset(),
                  decision.delay().toMillis(),
                  e.toString()));
      return false;
    }
    metrics.deadLettered();
    record.log(
        () ->
            log.error(
                "record dead-lettered consumer={} topic={} partition={} offset={} attempts={}"
                    + " error_class={}",
                name,
                record.record().topic(),
                record.record().partition(),
                record.offset(),
                attempts.made(),
                error.getClass().getName(),
                error));
    settle(record);
    return true;
  }

  /** Rewinds the partition to the record and pauses it until the decision's wait has passed. */
  private void retryLater(PendingRecord record, Decision decision) {
    retries.retryAt(
        record.partition(),
        record.offset(),
        decision.attempts(),
        clock.instant().plus(decision.delay()));
    consumer.seek(record.partition(), record.offset());
    consumer.pause(List.of(record.partition()));
  }
}
