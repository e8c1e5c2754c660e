package dev.trafficmanager.api.outbox;

import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * What became of one batch of outbox rows, published in one transaction: either every row that went
 * out is acknowledged, or none is.
 *
 * @param acknowledged the rows of the committed transaction, in id order; empty when it aborted
 * @param failed how many rows failed (the first failure aborts the transaction): 0 or 1
 * @param held how many rows stay pending without having failed themselves: the rest of an aborted
 *     batch, and the rows of routes set aside because the broker refused one of their records
 * @param firstFailure the row, in id order, whose failure aborted the batch, and why
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

  List<Long> acknowledgedIds() {
    return acknowledged.stream().map(OutboxRow::id).toList();
  }
}
