package dev.trafficmanager.api.outbox;

import dev.trafficmanager.topic.EventHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Publishes a batch of outbox rows in one Kafka transaction: every row is sent at once, in id
 * order, and the transaction commits only if the broker took every one of them; otherwise it is
 * aborted and no row of the batch is acknowledged.
 *
 * <p>Per-route order. Rows arrive in id order, and within one route id order is revision order
 * (writes to a route serialise on its row lock). A route's rows share a partition, the idempotent
 * producer keeps a partition's records in send order, and the transaction makes the batch all or
 * nothing for {@code read_committed} readers (the processor): a later revision can never become
 * visible while an earlier one failed, because both abort together and go out again, in order, in
 * the next attempt. Without the transaction, a pipelined batch could lose revision 2 to a delivery
 * timeout while revision 3, queued behind it, still succeeded.
 *
 * <p>The transactional id is the same for every relay of a deployment, so a new leader's producer
 * fences a deposed leader that still has a batch in flight: its commit fails instead of racing the
 * new leader's.
 *
 * <p>A record the broker refuses alone (too large, invalid) would abort every batch it is part of.
 * Its route is set aside instead: its rows stay pending, are left out of the following batches so
 * that other routes go on, and are tried again once {@code refusedRetry} has passed.
 *
 * <p>Delivery is at least once: a batch whose commit outcome is unknown (a timeout) stays pending
 * and is sent again; consumers drop revisions they have already applied. Not thread-safe: the relay
 * thread alone uses it.
 */
final class BatchPublisher {
  static final String MDC_CORRELATION_ID = "correlation_id";

  private static final Logger log = LoggerFactory.getLogger(BatchPublisher.class);

  private final String topic;
  private final Duration ackTimeout;
  private final Duration refusedRetry;
  private final Clock clock;
  private final Map<String, Instant> refusedRoutes = new HashMap<>();

  /**
   * @param ackTimeout how long to wait for the batch's acknowledgements after its flush, a guard
   *     against a wedged producer: the producer itself fails every record within its delivery
   *     timeout
   * @param refusedRetry how long a route whose record the broker refused is left out
   */
  BatchPublisher(String topic, Duration ackTimeout, Duration refusedRetry, Clock clock) {
    this.topic = topic;
    this.ackTimeout = ackTimeout;
    this.refusedRetry = refusedRetry;
    this.clock = clock;
  }

  /** The topic it publishes to. */
  String topic() {
    return topic;
  }

  /**
   * Publishes the rows in one transaction on {@code producer}, whose transactions are initialised.
   *
   * @throws KafkaException when the transaction cannot begin, commit or abort; no row of the batch
   *     counts as acknowledged, and the producer should be replaced
   */
  PublishResult publish(Producer<String, byte[]> producer, List<OutboxRow> rows) {
    return publish(producer, rows, () -> {});
  }

  /**
   * As {@link #publish(Producer, List)}, running {@code whileInFlight} once every row is handed to
   * the producer and before waiting for the broker: the relay reads its next batch there.
   */
  PublishResult publish(
      Producer<String, byte[]> producer, List<OutboxRow> rows, Runnable whileInFlight) {
    Instant now = clock.instant();
    List<OutboxRow> batch = new ArrayList<>(rows.size());
    for (OutboxRow row : rows) {
      if (!isSetAside(row.routeKey(), now)) {
        batch.add(row);
      }
    }
    int setAside = rows.size() - batch.size();
    if (batch.isEmpty()) {
      return new PublishResult(List.of(), 0, setAside, Optional.empty());
    }
    producer.beginTransaction();
    List<Sent> sent = new ArrayList<>(batch.size());
    for (OutboxRow row : batch) {
      Sent one = send(producer, row);
      sent.add(one);
      // A send that fails before it is queued (no metadata within max.block.ms, a broken producer)
      // would fail the same way for every row: stop rather than block once per row.
      if (one.immediateFailure().filter(BatchPublisher::affectsEveryRecord).isPresent()) {
        break;
      }
    }
    whileInFlight.run();
    flush(producer);
    Optional<PublishResult.Failure> failure = firstFailure(sent);
    if (failure.isEmpty() && sent.size() == batch.size()) {
      producer.commitTransaction();
      batch.forEach(row -> refusedRoutes.remove(row.routeKey()));
      logPublished(batch);
      return new PublishResult(batch, 0, setAside, Optional.empty());
    }
    producer.abortTransaction();
    failure.filter(f -> !f.isTransient()).ifPresent(f -> setAside(f, now));
    int failed = failure.isPresent() ? 1 : 0;
    return new PublishResult(List.of(), failed, rows.size() - failed, failure);
  }

  private boolean isSetAside(String routeKey, Instant now) {
    Instant until = refusedRoutes.get(routeKey);
    return until != null && now.isBefore(until);
  }

  private void setAside(PublishResult.Failure failure, Instant now) {
    OutboxRow row = failure.row();
    refusedRoutes.put(row.routeKey(), now.plus(refusedRetry));
    try (MDC.MDCCloseable c = MDC.putCloseable(MDC_CORRELATION_ID, row.correlationId())) {
      log.warn(
          "Kafka refused an outbox row, its route is set aside and the other routes go on"
              + " id={} route_key={} revision={} event_id={} retry_in_ms={} error={}",
          row.id(),
          row.routeKey(),
          row.revision(),
          row.eventId(),
          refusedRetry.toMillis(),
          failure.cause().toString());
    }
  }

  private Sent send(Producer<String, byte[]> producer, OutboxRow row) {
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(topic, row.routeKey(), row.payload().getBytes(StandardCharsets.UTF_8));
    record.headers().add(EventHeaders.CORRELATION_ID, utf8(row.correlationId()));
    record.headers().add(EventHeaders.EVENT_TYPE, utf8(row.eventType()));
    Future<RecordMetadata> future;
    try {
      future = producer.send(record);
    } catch (InterruptException e) {
      throw e;
    } catch (KafkaException | IllegalStateException e) {
      future = CompletableFuture.failedFuture(e);
    }
    return new Sent(row, future);
  }

  private static void flush(Producer<String, byte[]> producer) {
    try {
      producer.flush();
    } catch (InterruptException e) {
      throw e;
    } catch (KafkaException e) {
      // Each record's own future says whether it made it; the flush has nothing to add.
    }
  }

  /** The first row, in send order, that the broker did not take, if any. */
  private Optional<PublishResult.Failure> firstFailure(List<Sent> sent) {
    // One deadline for the whole batch, so a wedged producer costs one timeout, not one per row.
    long deadline = System.nanoTime() + ackTimeout.toNanos();
    for (Sent one : sent) {
      Optional<Throwable> error = await(one, deadline);
      if (error.isPresent()) {
        return Optional.of(new PublishResult.Failure(one.row(), error.get()));
      }
    }
    return Optional.empty();
  }

  private static Optional<Throwable> await(Sent sent, long deadlineNanos) {
    try {
      long left = Math.max(0, deadlineNanos - System.nanoTime());
      sent.future().get(left, TimeUnit.NANOSECONDS);
      return Optional.empty();
    } catch (ExecutionException e) {
      return Optional.of(e.getCause());
    } catch (TimeoutException e) {
      return Optional.of(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptException(e);
    }
  }

  private static void logPublished(List<OutboxRow> batch) {
    if (log.isDebugEnabled()) {
      for (OutboxRow row : batch) {
        try (MDC.MDCCloseable c = MDC.putCloseable(MDC_CORRELATION_ID, row.correlationId())) {
          log.debug(
              "published outbox row id={} route_key={} revision={} event_id={}",
              row.id(),
              row.routeKey(),
              row.revision(),
              row.eventId());
        }
      }
    }
  }

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  private static boolean affectsEveryRecord(Throwable error) {
    return error instanceof org.apache.kafka.common.errors.TimeoutException
        || !(error instanceof ApiException);
  }

  private record Sent(OutboxRow row, Future<RecordMetadata> future) {
    Optional<Throwable> immediateFailure() {
      if (!future.isDone()) {
        return Optional.empty();
      }
      try {
        future.get();
        return Optional.empty();
      } catch (ExecutionException e) {
        return Optional.of(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptException(e);
      }
    }
  }
}
