package dev.trafficmanager.consumers.runner;

import java.time.Duration;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decides what becomes of a record that could not be read or whose handler threw. This is where
 * retry budgets, circuit breakers and dead-letter topics plug into the {@link ConsumerRunner}; the
 * runner itself only carries a decision out.
 *
 * <p>Called on the consumer thread, once per failed attempt, so it must return quickly. A policy
 * that cannot carry out what it would decide (a dead-letter topic that is unreachable) returns a
 * {@link Retry}: it must never let a record go that it has not put somewhere safe.
 */
@FunctionalInterface
public interface FailurePolicy {

  /**
   * @param record the record as it arrived, its bytes untouched
   * @param error an {@link UnreadableRecordException} if the record could not be read, otherwise
   *     what the handler threw
   * @param attempt 1 for the first failure of this record, counting up while it keeps failing on
   *     this consumer
   */
  Decision onFailure(ConsumerRecord<String, byte[]> record, RuntimeException error, int attempt);

  /** What the runner does next with the failed record. */
  sealed interface Decision permits Retry, Skip {}

  /**
   * Rewind the record's partition to the record and hand it to the handler again after {@code
   * backoff}; nothing after it is handled or committed meanwhile. Other partitions keep flowing.
   */
  record Retry(Duration backoff) implements Decision {
    public Retry {
      Objects.requireNonNull(backoff, "backoff");
      if (backoff.isNegative()) {
        throw new IllegalArgumentException("backoff must not be negative: " + backoff);
      }
    }
  }

  /**
   * Commit past the record without its side effect. The runner logs it at ERROR with its topic,
   * partition and offset and this reason, which says where the record went.
   */
  record Skip(String reason) implements Decision {
    public Skip {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
