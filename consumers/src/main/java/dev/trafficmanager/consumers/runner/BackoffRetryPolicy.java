package dev.trafficmanager.consumers.runner;

import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Retries every handler failure without limit after an exponential backoff: {@code initialBackoff},
 * doubled with each attempt, never more than {@code maxBackoff}. A record that cannot be read is
 * skipped, because no retry can ever make it readable and retrying it would stall its partition for
 * good; until the consumer has a dead-letter topic, the runner's ERROR log line (topic, partition,
 * offset, error) is the only trace it leaves.
 */
public final class BackoffRetryPolicy implements FailurePolicy {
  // 2^30 times any sensible initial backoff is already far past any sensible maximum.
  private static final int MAX_DOUBLINGS = 30;

  private final Duration initialBackoff;
  private final Duration maxBackoff;

  public BackoffRetryPolicy(Duration initialBackoff, Duration maxBackoff) {
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "need 0 <= initialBackoff <= maxBackoff, got " + initialBackoff + " and " + maxBackoff);
    }
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
  }

  @Override
  public Decision onFailure(
      ConsumerRecord<String, byte[]> record, RuntimeException error, int attempt) {
    if (error instanceof UnreadableRecordException) {
      return new Skip("unreadable, and this consumer has no dead-letter topic yet");
    }
    return new Retry(backoff(attempt));
  }

  Duration backoff(int attempt) {
    int doublings = Math.min(Math.max(attempt, 1) - 1, MAX_DOUBLINGS);
    Duration backoff = initialBackoff.multipliedBy(1L << doublings);
    return backoff.compareTo(maxBackoff) > 0 ? maxBackoff : backoff;
  }
}
