package dev.trafficmanager.api.outbox;

import static dev.trafficmanager.api.outbox.OutboxRows.revision;
import static dev.trafficmanager.api.outbox.OutboxRows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trafficmanager.time.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
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
    producer.failsInFlight = r -> r.key().equals("a/s/e/v1") && revision(r) == 2;

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

  private static String header(ProducerRecord<String, byte[]> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
