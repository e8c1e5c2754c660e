package dev.trafficmanager.consumers.runner;

import dev.trafficmanager.consumers.runner.FailurePolicy.Action;
import dev.trafficmanager.consumers.runner.FailurePolicy.Decision;
import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.topic.EventHeaders;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Handles the records of one poll as batches, for the {@link ConsumerRunner}, with the failure
 * rules of a record handled alone.
 *
 * <p>Each round takes, from every partition that still has records of this poll, the readable
 * records at its head, and hands them all to the {@link ChangeHandler} in one call (partitions one
 * after another, each in offset order). The handler's applied prefix is settled; the record that
 * failed is decided by the {@link FailurePolicy}: dead-lettered (settled, its partition goes on),
 * or retried later (its partition is rewound to it, paused, and drops out of this poll). Records of
 * other partitions after it in the batch were not applied: they go into the next round. So per
 * partition the order is exact: nothing after a record is applied before that record is settled. An
 * unreadable record at a partition's head is dead-lettered by itself; a record that waited for a
 * retry is tried again by itself, so that its breaker, budget and attempt accounting stay those of
 * one call, and its partition returns to batches once it is settled.
 *
 * <p>While the sink's breaker refuses calls, or past the poll's deadline, or when the runner is
 * stopping, the rest of the poll is left unsettled (rewound, where the consumer must fetch it
 * again).
 */
final class PollProcessor {
  private static final Logger log = LoggerFactory.getLogger(PollProcessor.class);

  private final String name;
  private final Consumer<byte[], byte[]> consumer;
  private final Deserializer<RouteChange> values;
  private final ChangeHandler handler;
  private final Sink sink;
  private final DeadLetters deadLetters;
  private final FailurePolicy policy;
  private final ConsumerMetrics metrics;
  private final PartitionRetries retries;
  private final OffsetTracker offsets;
  private final Clock clock;

  PollProcessor(
      String name,
      Consumer<byte[], byte[]> consumer,
      Deserializer<RouteChange> values,
      ChangeHandler handler,
      Sink sink,
      DeadLetters deadLetters,
      FailurePolicy policy,
      ConsumerMetrics metrics,
      PartitionRetries retries,
      OffsetTracker offsets,
      Clock clock) {
    this.name = name;
    this.consumer = consumer;
    this.values = values;
    this.handler = handler;
    this.sink = sink;
    this.deadLetters = deadLetters;
    this.policy = policy;
    this.metrics = metrics;
    this.retries = retries;
    this.offsets = offsets;
    this.clock = clock;
  }

  /**
   * Handles the poll's records until each is settled or left for later.
   *
   * @param stopping true once the runner must stop: the rest stays uncommitted, for whoever owns
   *     the partitions next
   */
  void process(
      ConsumerRecords<byte[], byte[]> records, Instant deadline, BooleanSupplier stopping) {
    Map<TopicPartition, Deque<Pending>> pending = read(records);
    while (!pending.isEmpty()) {
      if (stopping.getAsBoolean()) {
        return;
      }
      if (retries.waitingForSink() || clock.instant().isAfter(deadline)) {
        // Fetched again once the partitions resume, or at the next poll.
        pending.forEach((partition, queue) -> consumer.seek(partition, queue.peek().offset()));
        return;
      }
      List<Pending> batch = nextBatch(pending);
      if (!batch.isEmpty()) {
        apply(batch, pending);
      }
    }
  }

  private Map<TopicPartition, Deque<Pending>> read(ConsumerRecords<byte[], byte[]> records) {
    Map<TopicPartition, Deque<Pending>> pending = new LinkedHashMap<>();
    for (TopicPartition partition : records.partitions()) {
      Deque<Pending> queue = new ArrayDeque<>();
      for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
        queue.add(read(partition, record));
      }
      pending.put(partition, queue);
    }
    return pending;
  }

  private Pending read(TopicPartition partition, ConsumerRecord<byte[], byte[]> record) {
    Attempts attempts = retries.attemptsAt(partition, record.offset());
    try {
      return new Pending(partition, record, readChange(record), null, attempts);
    } catch (UnreadableRecordException e) {
      return new Pending(partition, record, null, e, attempts);
    }
  }

  /**
   * Dead-letters unreadable records at the partitions' heads, then returns a waiting record alone
   * if a partition has one at its head, else every partition's readable head run.
   */
  private List<Pending> nextBatch(Map<TopicPartition, Deque<Pending>> pending) {
    Iterator<Map.Entry<TopicPartition, Deque<Pending>>> partitions = pending.entrySet().iterator();
    while (partitions.hasNext()) {
      Deque<Pending> queue = partitions.next().getValue();
      while (!queue.isEmpty() && queue.peek().unreadable() != null) {
        Pending head = queue.peek();
        if (!fail(head, head.unreadable())) {
          queue.clear();
        } else {
          queue.poll();
        }
      }
      if (queue.isEmpty()) {
        partitions.remove();
      }
    }
    for (Deque<Pending> queue : pending.values()) {
      if (queue.peek().attempts().made() > 0) {
        return List.of(queue.peek());
      }
    }
    List<Pending> batch = new ArrayList<>();
    for (Deque<Pending> queue : pending.values()) {
      for (Pending record : queue) {
        if (record.unreadable() != null) {
          break;
        }
        batch.add(record);
      }
    }
    return batch;
  }

  private void apply(List<Pending> batch, Map<TopicPartition, Deque<Pending>> pending) {
    Pending first = batch.get(0);
    boolean retry = batch.size() == 1 && first.attempts().made() > 0;
    List<RouteChange> changes = new ArrayList<>(batch.size());
    batch.forEach(record -> changes.add(record.change()));
    AtomicReference<BatchResult> outcome = new AtomicReference<>();
    long start = System.nanoTime();
    try {
      // One call of the sink's breaker: its config records an outage and ignores the rest.
      sink.breaker().executeRunnable(() -> callSink(changes, retry, outcome));
    } catch (RuntimeException e) {
      if (outcome.get() == null) {
        if (e instanceof CallNotPermittedException) {
          waitForSink(first);
          return;
        }
        if (e instanceof RetryRefused) {
          budgetRefused(first, pending);
          return;
        }
        throw e;
      }
      // The failure of an incomplete batch, recorded or ignored by the breaker: decided below.
    }
    long elapsed = System.nanoTime() - start;
    BatchResult result = outcome.get();
    for (int i = 0; i < result.applied(); i++) {
      Pending applied = batch.get(i);
      pending.get(applied.partition()).poll();
      settle(applied);
    }
    metrics.processed(result.applied());
    if (log.isDebugEnabled()) {
      log.debug(
          "batch applied consumer={} records={} applied={} elapsed_us={}",
          name,
          batch.size(),
          result.applied(),
          TimeUnit.NANOSECONDS.toMicros(elapsed));
    }
    if (!result.completes(batch.size())) {
      Pending failed = batch.get(result.applied());
      Deque<Pending> queue = pending.get(failed.partition());
      if (fail(failed, result.failure().orElseThrow())) {
        queue.poll();
      } else {
        queue.clear();
      }
    }
    pending.values().removeIf(Deque::isEmpty);
  }

  /**
   * The sink's call, inside its breaker: pays into the budget for new records or takes a retry out
   * of it, applies the batch and keeps the result in {@code outcome}. An incomplete batch throws
   * the failure that stopped it, as it is, so that the breaker's outage rule judges it.
   *
   * @throws RetryRefused if the budget refused the retry; the handler was not called
   * @throws IllegalStateException if the handler's result does not fit the batch (a bug)
   */
  private void callSink(
      List<RouteChange> changes, boolean retry, AtomicReference<BatchResult> outcome) {
    if (!retry) {
      for (int i = 0; i < changes.size(); i++) {
        sink.budget().deposit();
      }
    } else if (!sink.budget().tryWithdraw()) {
      throw new RetryRefused();
    }
    BatchResult result;
    try {
      result = handler.apply(changes);
    } catch (RuntimeException e) {
      result = BatchResult.failedAt(0, e);
    }
    boolean complete = result.completes(changes.size());
    outcome.set(result);
    if (!complete) {
      throw result.failure().orElseThrow();
    }
  }

  private void budgetRefused(Pending first, Map<TopicPartition, Deque<Pending>> pending) {
    metrics.retryRefused();
    Decision decision = policy.afterBudgetRefused(first.attempts());
    retryLater(first, decision);
    pending.remove(first.partition());
    withCorrelationId(
        first,
        () ->
            log.warn(
                "retry refused by the retry budget, the record waits consumer={} sink={}"
                    + " topic={} partition={} offset={} attempts={} wait_ms={}",
                name,
                sink.dependency(),
                first.record().topic(),
                first.record().partition(),
                first.offset(),
                first.attempts().made(),
                decision.delay().toMillis()));
  }

  /** Decides what becomes of a record that failed and does it; returns whether it is settled. */
  private boolean fail(Pending record, RuntimeException error) {
    Decision decision = policy.afterFailure(error, record.attempts());
    if (decision.action() == Action.DEAD_LETTER) {
      return deadLetter(record, error, decision.attempts());
    }
    retryLater(record, decision);
    metrics.retried();
    withCorrelationId(
        record,
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

  private boolean deadLetter(Pending record, RuntimeException error, Attempts attempts) {
    try {
      deadLetters.publish(record.record(), error, attempts.made());
    } catch (WakeupException | InterruptException e) {
      throw e;
    } catch (RuntimeException e) {
      Decision decision = policy.afterDeadLetterFailed(attempts);
      retryLater(record, decision);
      metrics.retried();
      withCorrelationId(
          record,
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
    withCorrelationId(
        record,
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

  private void waitForSink(Pending record) {
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

  /** Rewinds the partition to the record and pauses it until the decision's wait has passed. */
  private void retryLater(Pending record, Decision decision) {
    retries.retryAt(
        record.partition(),
        record.offset(),
        decision.attempts(),
        clock.instant().plus(decision.delay()));
    consumer.seek(record.partition(), record.offset());
    consumer.pause(List.of(record.partition()));
  }

  private void settle(Pending record) {
    offsets.settle(record.record());
    retries.settled(record.partition(), record.offset());
    if (record.attempts().made() > 0) {
      withCorrelationId(
          record,
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

  private RouteChange readChange(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      throw new UnreadableRecordException("the record has no value", null);
    }
    RouteChange change;
    try {
      change = values.deserialize(record.topic(), record.headers(), record.value());
      // A change that names no valid route can no more be applied than one that is not JSON.
      change.key();
    } catch (RuntimeException e) {
      throw new UnreadableRecordException(e.getMessage(), e);
    }
    if (change.current() == null) {
      throw new UnreadableRecordException("the change has no current state", null);
    }
    return change;
  }

  private static void withCorrelationId(Pending record, Runnable logging) {
    String id =
        record.change() != null && record.change().correlationId() != null
            ? record.change().correlationId()
            : headerCorrelationId(record.record());
    if (id == null) {
      logging.run();
      return;
    }
    MDC.put(ConsumerRunner.CORRELATION_ID, id);
    try {
      logging.run();
    } finally {
      MDC.remove(ConsumerRunner.CORRELATION_ID);
    }
  }

  private static String headerCorrelationId(ConsumerRecord<byte[], byte[]> record) {
    Header header = record.headers().lastHeader(EventHeaders.CORRELATION_ID);
    return header == null || header.value() == null
        ? null
        : new String(header.value(), StandardCharsets.UTF_8);
  }

  /**
   * The retry budget refused a record's retry inside the breaker's call: the sink was not called,
   * and no outage rule counts this against it. No stack trace: it is control flow.
   */
  private static final class RetryRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RetryRefused() {
      super("retry refused by the retry budget", null, false, false);
    }
  }

  /** A record of this poll not settled yet: its change, or why it cannot be read. */
  private record Pending(
      TopicPartition partition,
      ConsumerRecord<byte[], byte[]> record,
      RouteChange change,
      UnreadableRecordException unreadable,
      Attempts attempts) {
    long offset() {
      return record.offset();
    }
  }
}
