package dev.trafficmanager.consumers.runner;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * The runner's bookkeeping of records that wait: per partition the record it was rewound to, its
 * attempts and when it is due; and whether the whole consumer waits for its sink. From that it says
 * which partitions must be paused and how long a poll may block. Pure: the caller passes the time
 * and carries out the seeks and pauses. One thread uses it.
 */
final class PartitionRetries {
  private final Map<TopicPartition, PendingRetry> retries = new HashMap<>();
  private boolean waitingForSink;

  /** The attempts of the record at {@code offset}: none unless it is the one that waits. */
  Attempts attemptsAt(TopicPartition partition, long offset) {
    PendingRetry pending = retries.get(partition);
    return pending != null && pending.offset() == offset ? pending.attempts() : Attempts.NONE;
  }

  /** The partition was rewound to the record at {@code offset}, tried again at {@code due}. */
  void retryAt(TopicPartition partition, long offset, Attempts attempts, Instant due) {
    retries.put(partition, new PendingRetry(offset, attempts, due));
  }

  /** The record at {@code offset} is settled: a retry at or before it is over. */
  void settled(TopicPartition partition, long offset) {
    PendingRetry pending = retries.get(partition);
    if (pending != null && pending.offset() <= offset) {
      retries.remove(partition);
    }
  }

  /** Every partition waits until the sink lets a call through; returns whether it is new. */
  boolean waitForSink() {
    boolean started = !waitingForSink;
    waitingForSink = true;
    return started;
  }

  void sinkBack() {
    waitingForSink = false;
  }

  boolean waitingForSink() {
    return waitingForSink;
  }

  /** The partitions that must be paused now: all while the sink refuses, else the due-later. */
  Set<TopicPartition> toPause(Set<TopicPartition> assigned, Instant now) {
    if (waitingForSink) {
      return new HashSet<>(assigned);
    }
    Set<TopicPartition> wanted = new HashSet<>();
    retries.forEach(
        (partition, retry) -> {
          if (retry.due().isAfter(now) && assigned.contains(partition)) {
            wanted.add(partition);
          }
        });
    return wanted;
  }

  /** {@code max}, shortened so that a partition waiting for a retry is resumed on time. */
  Duration pollTimeout(Duration max, Instant now) {
    Duration timeout = max;
    if (waitingForSink) {
      return timeout;
    }
    for (PendingRetry retry : retries.values()) {
      Duration untilDue = Duration.between(now, retry.due());
      if (!untilDue.isNegative() && untilDue.compareTo(timeout) < 0) {
        timeout = untilDue;
      }
    }
    return timeout;
  }

  /** Partitions no longer this consumer's: their waits end with them. */
  void forget(Collection<TopicPartition> partitions) {
    retries.keySet().removeAll(partitions);
  }

  /** Partitions whose next record waits to be tried again. */
  int size() {
    return retries.size();
  }

  private record PendingRetry(long offset, Attempts attempts, Instant due) {}
}
