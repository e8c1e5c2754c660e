package dev.trafficmanager.consumers.runner;

import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.event.SplitChange;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
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
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles the records of one poll as batches, for the {@link ConsumerRunner}, with the failure
 * rules of a record handled alone.
 *
 * <p>Each round takes, from every partition that still has records of this poll, the readable
 * records at its head, and hands them all to the {@link ChangeHandler} in one call (partitions one
 * after another, each in offset order). The handler's applied prefix is settled; the record that
 * failed goes to the {@link Settlement}: dead-lettered (settled, its partition goes on), or retried
 * later (its partition is rewound to it, paused, and drops out of this poll). Records of other
 * partitions after it in the batch were not applied: they go into the next round. So per partition
 * the order is exact: nothing after a record is applied before that record is settled. An
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
  private final Settlement settlement;
  private final ConsumerMetrics metrics;
  private final PartitionRetries retries;
  private final Clock clock;

  PollProcessor(
      String name,
      Consumer<byte[], byte[]> consumer,
      Deserializer<RouteChange> values,
      ChangeHandler handler,
      Sink sink,
      Settlement settlement,
      ConsumerMetrics metrics,
      PartitionRetries retries,
      Clock clock) {
    this.name = name;
    this.consumer = consumer;
    this.values = values;
    this.handler = handler;
    this.sink = sink;
    this.settlement = settlement;
    this.metrics = metrics;
    this.retries = retries;
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
    Map<TopicPartition, Deque<PendingRecord>> pending = read(records);
    while (!pending.isEmpty()) {
      if (stopping.getAsBoolean()) {
        return;
      }
      if (retries.waitingForSink() || clock.instant().isAfter(deadline)) {
        // Fetched again once the partitions resume, or at the next poll.
        pending.forEach((partition, queue) -> consumer.seek(partition, queue.peek().offset()));
        return;
      }
      List<PendingRecord> batch = nextBatch(pending);
      if (!batch.isEmpty()) {
        apply(batch, pending);
      }
    }
  }

  private Map<TopicPartition, Deque<PendingRecord>> read(ConsumerRecords<byte[], byte[]> records) {
    Map<TopicPartition, Deque<PendingRecord>> pending = new LinkedHashMap<>();
    for (TopicPartition partition : records.partitions()) {
      Deque<PendingRecord> queue = new ArrayDeque<>();
      for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
        queue.add(
            PendingRecord.read(
                partition, record, values, retries.attemptsAt(partition, record.offset())));
      }
      pending.put(partition, queue);
    }
    return pending;
  }

  /**
   * Dead-letters unreadable records at the partitions' heads, then returns a waiting record alone
   * if a partition has one at its head, else every partition's readable head run.
   */
  private List<PendingRecord> nextBatch(Map<TopicPartition, Deque<PendingRecord>> pending) {
    Iterator<Map.Entry<TopicPartition, Deque<PendingRecord>>> partitions =
        pending.entrySet().iterator();
    while (partitions.hasNext()) {
      Deque<PendingRecord> queue = partitions.next().getValue();
      while (!queue.isEmpty() && queue.peek().unreadable() != null) {
        PendingRecord head = queue.peek();
        if (!settlement.fail(head, head.unreadable())) {
          queue.clear();
        } else {
          queue.poll();
        }
      }
      if (queue.isEmpty()) {
        partitions.remove();
      }
    }
    for (Deque<PendingRecord> queue : pending.values()) {
      if (queue.peek().attempts().made() > 0) {
        return List.of(queue.peek());
      }
    }
    // A batch is of one kind, route changes or split changes, since a handler applies each kind
    // with a call of its own.
    List<PendingRecord> batch = new ArrayList<>();
    for (Deque<PendingRecord> queue : pending.values()) {
      for (PendingRecord record : queue) {
        if (record.unreadable() != null
            || (!batch.isEmpty() && record.isSplit() != batch.get(0).isSplit())) {
          break;
        }
        batch.add(record);
      }
    }
    return batch;
  }

  private void apply(List<PendingRecord> batch, Map<TopicPartition, Deque<PendingRecord>> pending) {
    PendingRecord first = batch.get(0);
    boolean retry = batch.size() == 1 && first.attempts().made() > 0;
    Supplier<BatchResult> call;
    if (first.isSplit()) {
      List<SplitChange> splits = new ArrayList<>(batch.size());
      batch.forEach(record -> splits.add(record.split()));
      call = () -> handler.applySplits(splits);
    } else {
      List<RouteChange> changes = new ArrayList<>(batch.size());
      batch.forEach(record -> changes.add(record.change()));
      call = () -> handler.apply(changes);
    }
    AtomicReference<BatchResult> outcome = new AtomicReference<>();
    long start = System.nanoTime();
    try {
      // One call of the sink's breaker: its config records an outage and ignores the rest.
      sink.breaker().executeRunnable(() -> callSink(batch.size(), call, retry, outcome));
    } catch (RuntimeException e) {
      if (outcome.get() == null) {
        if (e instanceof CallNotPermittedException) {
          settlement.waitForSink(first);
          return;
        }
        if (e instanceof RetryRefused) {
          settlement.budgetRefused(first);
          pending.remove(first.partition());
          return;
        }
        throw e;
      }
      // The failure of an incomplete batch, recorded or ignored by the breaker: decided below.
    }
    long elapsed = System.nanoTime() - start;
    BatchResult result = outcome.get();
    for (int i = 0; i < result.applied(); i++) {
      PendingRecord applied = batch.get(i);
      pending.get(applied.partition()).poll();
      settlement.settle(applied);
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
      PendingRecord failed = batch.get(result.applied());
      Deque<PendingRecord> queue = pending.get(failed.partition());
      if (settlement.fail(failed, result.failure().orElseThrow())) {
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
      int size, Supplier<BatchResult> call, boolean retry, AtomicReference<BatchResult> outcome) {
    if (!retry) {
      for (int i = 0; i < size; i++) {
        sink.budget().deposit();
      }
    } else if (!sink.budget().tryWithdraw()) {
      throw new RetryRefused();
    }
    BatchResult result;
    try {
      result = call.get();
    } catch (RuntimeException e) {
      result = BatchResult.failedAt(0, e);
    }
    boolean complete = result.completes(size);
    outcome.set(result);
    if (!complete) {
      throw result.failure().orElseThrow();
    }
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
}
