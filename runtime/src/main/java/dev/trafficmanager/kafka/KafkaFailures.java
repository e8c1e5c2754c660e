package dev.trafficmanager.kafka;

import dev.trafficmanager.resilience.Dependency;
import dev.trafficmanager.resilience.OutageRule;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Which failures of a Kafka client are an outage of Kafka, rather than the broker refusing one
 * record or the caller stopping. Each test looks through the cause chain (a producer's {@code
 * ExecutionException}, a wrapper of our own) to the first failure that decides:
 *
 * <ul>
 *   <li><b>Outage</b>: a {@link RetriableException} (no leader, not enough replicas, a network
 *       error, a request or delivery timeout), a timeout waiting for an acknowledgement, and a
 *       broken producer — any {@link KafkaException} that is no {@link ApiException}.
 *   <li><b>Not an outage</b>: an {@link ApiException} that is not retriable — the broker answered
 *       and refused this record or request (too large, invalid, not authorised) — and an interrupt,
 *       which says the caller is stopping, not that Kafka is unwell; anything else that is no Kafka
 *       failure at all.
 * </ul>
 */
public final class KafkaFailures {
  /** Kafka's rule for its circuit breaker and retries. */
  public static final OutageRule OUTAGE = new OutageRule(Dependency.KAFKA, KafkaFailures::isOutage);

  private KafkaFailures() {}

  /** True when {@code failure} says Kafka is unreachable or unwell. */
  public static boolean isOutage(Throwable failure) {
    boolean kafka = false;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof InterruptException || t instanceof InterruptedException) {
        return false;
      }
      if (t instanceof RetriableException || t instanceof TimeoutException) {
        return true;
      }
      if (t instanceof ApiException) {
        return false;
      }
      kafka |= t instanceof KafkaException;
    }
    return kafka;
  }
}
