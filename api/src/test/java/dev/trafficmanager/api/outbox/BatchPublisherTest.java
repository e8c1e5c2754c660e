package dev.trafficmanager.api.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trafficmanager.time.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class BatchPublisherTest {
  private static final String TOPIC = "t.route-events";
  private static final Duration REFUSED_RETRY = Duration.ofSeconds(30);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T00:00:00Z"));
  private final BatchPublisher publisher =
      new BatchPublisher(TOPIC, Duration.ofSeconds(5), REFUSED_RETRY, clock);

  @Test
  void sendsKeyPayloadAndHeadersOfEachRow() {
    ScriptedProducer producer = new ScriptedProducer();
    OutboxRow row = row(1, "acme/billing/prod/v1", 1);

    PublishResult result = publisher.publish(producer, List.of(row));

    assertThat(result.acknowledgedIds()).containsExactly(1L);
    ProducerRecord<String, byte[]> sent = producer.history().get(0);
    assertThat(sent.topic()).isEqualTo(TOPIC);
    assertThat(sent.key()).isEqualTo("acme/billing/prod/v1");
    assertThat(new String(sent.value(), StandardCharsets.UTF_8)).isEqualTo(row.payload());
    assertThat(header(sent, "correlation-id")).isEqualTo("corr-1");
    assertThat(header(sent, "event-type")).isEqualTo("route_changed");
  }

  @Test
  void sendsTheWholeBatchInIdOrderInOneTransaction() {
    ScriptedProducer producer = new ScriptedProducer();

    PublishResult result =
        publisher.publish(
            producer,
            List.of(
                row(1, "a/s/e/v1", 1),
                row(2, "b/s/e/v1", 1),
                row(3, "a/s/e/v1", 2),
                row(4, "a/s/e/v1", 3)));

    assertThat(result.acknowledgedIds()).containsExactly(1L, 2L, 3L, 4L);
    assertThat(producer.commitCount()).isEqualTo(1);
    assertThat(producer.history())
        .extracting(r -> r.key() + "#" + revision(r))
        .containsExactly("a/s/e/v1#1", "b/s/e/v1#1", "a/s/e/v1#2", "a/s/e/v1#3");
  }

  @Test
  void aFailedRowAbortsTheBatchSoNoLaterRevisionOvertakesIt() {
    ScriptedProducer producer = new ScriptedProducer();
    producer.failsInFlight = r -> r.key().equals("a/s/e/v1") && revision(r).equals("2");

    PublishResult result =
        publisher.publish(
            producer, List.of(row(1, "a/s/e/v1", 1), row(2, "a/s/e/v1", 2), row(3, "a/s/e/v1", 3)));

    assertThat(result.acknowledged()).isEmpty();
    assertThat(result.failed()).isEqualTo(1);
    assertThat(result.held()).isEqualTo(2);
    assertThat(result.firstFailure().orElseThrow().row().id()).isEqualTo(2L);
    assertThat(result.firstFailure().orElseThrow().isTransient()).isTrue();
    assertThat(producer.transactionAborted()).isTrue();
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void stopsSendingWhenNoRecordCanBeSentAtAll() {
    ScriptedProducer producer = new ScriptedProducer();
    producer.rejectAtSend = r -> true;
    producer.rejection = new TimeoutException("no metadata within max.block.ms");

    PublishResult result =
        publisher.publish(producer, List.of(row(1, "a/s/e/v1", 1), row(2, "b/s/e/v1", 1)));

    assertThat(result.acknowledged()).isEmpty();
    assertThat(producer.sendAttempts).isEqualTo(1);
    assertThat(producer.transactionAborted()).isTrue();
  }

  @Test
  void aRouteWhoseRecordTheBrokerRefusesIsSetAsideAndTheOthersGoOn() {
    ScriptedProducer producer = new ScriptedProducer();
    producer.rejectAtSend = r -> r.key().equals("a/s/e/v1");
    List<OutboxRow> pending =
        List.of(row(1, "a/s/e/v1", 1), row(2, "b/s/e/v1", 1), row(3, "a/s/e/v1", 2));

    PublishResult refused = publisher.publish(producer, pending);
    PublishResult next = publisher.publish(producer, pending);

    assertThat(refused.acknowledged()).isEmpty();
    assertThat(refused.firstFailure().orElseThrow().isTransient()).isFalse();
    assertThat(next.acknowledgedIds()).containsExactly(2L);
    assertThat(next.held()).isEqualTo(2);
    assertThat(producer.history()).extracting(ProducerRecord::key).containsExactly("b/s/e/v1");
  }

  @Test
  void aSetAsideRouteIsTriedAgainOnceItsRetryIsDue() {
    ScriptedProducer producer = new ScriptedProducer();
    producer.rejectAtSend = r -> r.key().equals("a/s/e/v1");
    List<OutboxRow> pending = List.of(row(1, "a/s/e/v1", 1), row(2, "a/s/e/v1", 2));
    publisher.publish(producer, pending);

    producer.rejectAtSend = r -> false;
    PublishResult tooEarly = publisher.publish(producer, pending);
    clock.advance(REFUSED_RETRY);
    PublishResult due = publisher.publish(producer, pending);

    assertThat(tooEarly.acknowledged()).isEmpty();
    assertThat(due.acknowledgedIds()).containsExactly(1L, 2L);
  }

  @Test
  void rowsOfAProducerThatNeverAnswersFailAndStayPending() {
    ScriptedProducer producer = new ScriptedProducer();
    producer.answers = false;
    BatchPublisher impatient =
        new BatchPublisher(TOPIC, Duration.ofMillis(100), REFUSED_RETRY, clock);

    PublishResult result =
        impatient.publish(producer, List.of(row(1, "a/s/e/v1", 1), row(2, "b/s/e/v1", 1)));

    assertThat(result.acknowledged()).isEmpty();
    assertThat(result.failed()).isEqualTo(1);
    assertThat(result.held()).isEqualTo(1);
    assertThat(result.firstFailure().orElseThrow().isTransient()).isTrue();
  }

  @Test
  void aFencedProducerFailsTheBatchWithoutAcknowledgingAnyRow() {
    ScriptedProducer producer = new ScriptedProducer();
    producer.commitTransactionException = new ProducerFencedException("a new leader took over");

    assertThatThrownBy(() -> publisher.publish(producer, List.of(row(1, "a/s/e/v1", 1))))
        .isInstanceOf(KafkaException.class);
    assertThat(producer.history()).isEmpty();
  }

  private static OutboxRow row(long id, String routeKey, long revision) {
    return new OutboxRow(
        id,
        UUID.randomUUID(),
        routeKey,
        revision,
        "route_changed",
        "{\"revision\":" + revision + "}",
        "corr-" + id);
  }

  private static String header(ProducerRecord<String, byte[]> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  private static String revision(ProducerRecord<String, byte[]> record) {
    return new String(record.value(), StandardCharsets.UTF_8).replaceAll("\\D", "");
  }

  /**
   * A transactional producer whose records complete only on flush, failing those the script says.
   */
  private static final class ScriptedProducer extends MockProducer<String, byte[]> {
    private final Deque<ProducerRecord<String, byte[]>> pending = new ArrayDeque<>();
    Predicate<ProducerRecord<String, byte[]>> failsInFlight = r -> false;
    Predicate<ProducerRecord<String, byte[]>> rejectAtSend = r -> false;
    RuntimeException rejection = new RecordTooLargeException("too large");
    boolean answers = true;
    int sendAttempts;

    ScriptedProducer() {
      super(false, null, new StringSerializer(), new ByteArraySerializer());
      initTransactions();
    }

    @Override
    public synchronized Future<RecordMetadata> send(
        ProducerRecord<String, byte[]> record, Callback callback) {
      sendAttempts++;
      if (rejectAtSend.test(record)) {
        return CompletableFuture.failedFuture(rejection);
      }
      pending.add(record);
      return super.send(record, callback);
    }

    @Override
    public synchronized void flush() {
      while (answers && !pending.isEmpty()) {
        if (failsInFlight.test(pending.poll())) {
          errorNext(new TimeoutException("delivery timeout"));
        } else {
          completeNext();
        }
      }
    }

    @Override
    public void abortTransaction() {
      pending.clear();
      super.abortTransaction();
    }
  }
}
