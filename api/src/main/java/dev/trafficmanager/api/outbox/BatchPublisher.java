package dev.trafficmanager.api.outbox;

import dev.trafficmanager.topic.EventHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * Publishes one batch of outbox rows and reports which the broker acknowledged.
 *
 * <p>Per-route order. Rows arrive in id order, and within one route id order is revision order
 * (writes to a route serialise on its row lock, so a later revision's row is inserted after the
 * earlier one committed). The batch goes out in rounds: each round sends the oldest remaining row
 * of every route, flushes, and waits for every acknowledgement; a route's next row goes out only in
 * a later round, after its previous row was acknowledged. Pipelining a route's rows instead would
 * let revision 3 be written after revision 2 failed (the producer expires queued batches one by
 * one, so a later batch of the same partition can still succeed), and the retry would then put
 * revision 2 behind revision 3 in the log. When a route's row fails, its later rows are held for
 * the next attempt, where they follow it again. Rows of other routes go on: one route's trouble
 * does not stop the rest. A batch of distinct routes, the common case, is a single round.
 *
 * <p>Delivery is at least once: a row whose send timed out may still have been written, and is sent
 * again; consumers drop revisions they have already applied.
 */
final class BatchPublisher {
  private static final Logger log = LoggerFactory.getLogger(BatchPublisher.class);
  static final String MDC_CORRELATION_ID = "correlation_id";

  private final Producer<String, byte[]> producer;
  private final String topic;
  private final Duration ackTimeout;

  /**
   * @param ackTimeout how long to wait for a round's acknowledgements after its flush, a guard
   *     against a wedged producer: the producer itself fails every record within its delivery
   *     timeout
   */
  BatchPublisher(Producer<String, byte[]> producer, String topic, Duration ackTimeout) {
    this.producer = producer;
    this.topic = topic;
    this.ackTimeout = ackTimeout;
  }

  PublishResult publish(List<OutboxRow> rows) {
    Map<String, ArrayDeque<OutboxRow>> byRoute = new LinkedHashMap<>();
    for (OutboxRow row : rows) {
      byRoute.computeIfAbsent(row.routeKey(), k -> new ArrayDeque<>()).add(row);
    }
    List<OutboxRow> acknowledged = new ArrayList<>(rows.size());
    PublishResult.Failure firstFailure = null;
    int failed = 0;
    boolean producerFailed = false;
    while (!byRoute.isEmpty() && !producerFailed) {
      List<Sent> round = new ArrayList<>(byRoute.size());
      for (ArrayDeque<OutboxRow> queue : byRoute.values()) {
        Sent sent = send(queue.peekFirst());
        round.add(sent);
        // A send that fails before it is queued for want of metadata within max.block.ms, or on a
        // broken producer, would fail the same way for every row: stop rather than block once per
        // row. A record the broker could never take (too large) fails alone; the others go on.
        if (sent.immediateFailure().filter(BatchPublisher::affectsEveryRecord).isPresent()) {
          producerFailed = true;
          break;
        }
      }
      flush();
      // One deadline for the whole round, so a wedged producer costs one timeout, not one per row.
      long deadline = System.nanoTime() + ackTimeout.toNanos();
      for (Sent sent : round) {
        String route = sent.row().routeKey();
        Optional<Throwable> error = await(sent, deadline);
        if (error.isEmpty()) {
          acknowledged.add(sent.row());
          ArrayDeque<OutboxRow> queue = byRoute.get(route);
          queue.pollFirst();
          if (queue.isEmpty()) {
            byRoute.remove(route);
          }
        } else {
          failed++;
          if (firstFailure == null) {
            firstFailure = new PublishResult.Failure(sent.row(), error.get());
          }
          logFailure(sent.row(), error.get());
          byRoute.remove(route);
        }
      }
    }
    int held = rows.size() - acknowledged.size() - failed;
    return new PublishResult(acknowledged, failed, held, Optional.ofNullable(firstFailure));
  }

  private Sent send(OutboxRow row) {
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

  private void flush() {
    try {
      producer.flush();
    } catch (InterruptException e) {
      throw e;
    } catch (KafkaException e) {
      // Each record's own future says whether it made it; the flush has nothing to add.
    }
  }

  private Optional<Throwable> await(Sent sent, long deadlineNanos) {
    try {
      long left = Math.max(0, deadlineNanos - System.nanoTime());
      RecordMetadata metadata = sent.future().get(left, TimeUnit.NANOSECONDS);
      logPublished(sent.row(), metadata);
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

  private static void logPublished(OutboxRow row, RecordMetadata metadata) {
    if (log.isDebugEnabled()) {
      try (MDC.MDCCloseable c = MDC.putCloseable(MDC_CORRELATION_ID, row.correlationId())) {
        log.debug(
            "published outbox row id={} route_key={} revision={} event_id={} partition={} offset={}",
            row.id(),
            row.routeKey(),
            row.revision(),
            row.eventId(),
            metadata.partition(),
            metadata.offset());
      }
    }
  }

  private static void logFailure(OutboxRow row, Throwable error) {
    if (log.isDebugEnabled()) {
      try (MDC.MDCCloseable c = MDC.putCloseable(MDC_CORRELATION_ID, row.correlationId())) {
        log.debug(
            "outbox row not published, it stays pending id={} route_key={} revision={} error={}",
            row.id(),
            row.routeKey(),
            row.revision(),
            error.toString());
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
