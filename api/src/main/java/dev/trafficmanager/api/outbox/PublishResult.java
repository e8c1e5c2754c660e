package dev.trafficmanager.api.outbox;

import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * What became of one batch of outbox rows.
 *
 * @param acknowledged the rows the broker acknowledged (all replicas), in the order they were acked
 * @param failed how many rows were sent and failed, or could not be sent at all
 * @param held how many rows were not attempted: later rows of a route whose earlier row failed, and
 *     rows left when the producer itself failed
 * @param firstFailure the first row that failed and why, when any did
 */
record PublishResult(
    List<OutboxRow> acknowledged, int failed, int held, Optional<Failure> firstFailure) {

  record Failure(OutboxRow row, Throwable cause) {
    /**
     * Whether the failure says Kafka is unreachable or unwell (a timeout, a retriable broker error,
     * a broken producer), rather than that the broker refused this one record (too large, invalid):
     * only the former counts against Kafka's circuit breaker.
     */
    boolean isTransient() {
      // A timeout waiting for the ack, or a broken producer, is no ApiException.
      return cause instanceof RetriableException || !(cause instanceof ApiException);
    }
  }

  boolean failedAny() {
    return failed > 0;
  }

  List<Long> acknowledgedIds() {
    return acknowledged.stream().map(OutboxRow::id).toList();
  }
}
