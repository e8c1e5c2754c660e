package dev.trafficmanager.api.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class BatchPublisherTest {
  private static final String TOPIC = "t.route-events";

  @Test
  void sendsKeyPayloadAndHeadersOfEachRow() {
    ScriptedProducer producer = new ScriptedProducer(r -> false);
    OutboxRow row = row(1, "acme/billing/prod/v1", 1);

    PublishResult result = publisher(producer).publish(List.of(row));

    assertThat(result.acknowledgedIds()).containsExactly(1L);
    ProducerRecord<String, byte[]> sent = producer.history().get(0);
    assertThat(sent.topic()).isEqualTo(TOPIC);
    assertThat(sent.key()).isEqualTo("acme/billing/prod/v1");
    assertThat(new String(sent.value(), StandardCharsets.UTF_8)).isEqualTo(row.payload());
    assertThat(header(sent, "correlation-id")).isEqualTo("corr-1");
    assertThat(header(sent, "event-type")).isEqualTo("route_changed");
  }

  @Test
  void sendsARoutesNextRevisionOnlyAfterThePreviousOneWasAcknowledged() {
    ScriptedProducer producer = new ScriptedProducer(r -> false);

    PublishResult result =
        publisher(producer)
            .publish(
                List.of(
                    row(1, "a/s/e/v1", 1),
                    row(2, "b/s/e/v1", 1),
                    row(3, "a/s/e/v1", 2),
                    row(4, "a/s/e/v1", 3)));

    assertThat(result.acknowledgedIds()).containsExactlyInAnyOrder(1L, 2L, 3L, 4L);
    assertThat(producer.events)
        .containsExactly(
            "send a/s/e/v1#1",
            "send b/s/e/v1#1",
            "flush",
            "send a/s/e/v1#2",
            "flush",
            "send a/s/e/v1#3",
            "flush");
  }

  @Test
  void holdsTheLaterRowsOfARouteWhoseRowFailedAndPublishesOtherRoutes() {
    ScriptedProducer producer = new ScriptedProducer(r -> r.key().equals("a/s/e/v1"));

    PublishResult result =
        publisher(producer)
            .publish(
                List.of(
                    row(1, "a/s/e/v1", 2),
                    row(2, "b/s/e/v1", 1),
                    row(3, "a/s/e/v1", 3),
                    row(4, "b/s/e/v1", 2)));

    assertThat(result.acknowledgedIds()).containsExactly(2L, 4L);
    assertThat(result.failed()).isEqualTo(1);
    assertThat(result.held()).isEqualTo(1);
    assertThat(result.firstFailure()).get().extracting(f -> f.row().id()).isEqualTo(1L);
    assertThat(producer.events).doesNotContain("send a/s/e/v1#3");
  }

  @Test
  void stopsTheBatchWhenNoRecordCanBeSentAtAll() {
    ScriptedProducer producer = new ScriptedProducer(r -> false);
    producer.sendException = new TimeoutException("no metadata within max.block.ms");

    PublishResult result =
        publisher(producer)
            .publish(List.of(row(1, "a/s/e/v1", 1), row(2, "b/s/e/v1", 1), row(3, "c/s/e/v1", 1)));

    assertThat(result.acknowledged()).isEmpty();
    assertThat(result.failed()).isEqualTo(1);
    assertThat(result.held()).isEqualTo(2);
    assertThat(producer.sendAttempts).isEqualTo(1);
  }

  @Test
  void aRecordTheBrokerRejectsAloneDoesNotStopOtherRoutes() {
    ScriptedProducer producer = new ScriptedProducer(r -> false);
    producer.rejectAtSend = r -> r.key().equals("a/s/e/v1");

    PublishResult result =
        publisher(producer).publish(List.of(row(1, "a/s/e/v1", 1), row(2, "b/s/e/v1", 1)));

    assertThat(result.acknowledgedIds()).containsExactly(2L);
    assertThat(result.failed()).isEqualTo(1);
  }

  @Test
  void rowsOfAProducerThatNeverAnswersFailAndStayPending() {
    ScriptedProducer producer = new ScriptedProducer(r -> false);
    producer.answers = false;

    PublishResult result =
        new BatchPublisher(producer, TOPIC, Duration.ofMillis(100))
            .publish(List.of(row(1, "a/s/e/v1", 1), row(2, "a/s/e/v1", 2), row(3, "b/s/e/v1", 1)));

    assertThat(result.acknowledged()).isEmpty();
    assertThat(result.failed()).isEqualTo(2);
    assertThat(result.held()).isEqualTo(1);
  }

  private static BatchPublisher publisher(ScriptedProducer producer) {
    return new BatchPublisher(producer, TOPIC, Duration.ofSeconds(5));
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

  /**
   * A producer whose records complete only on flush, failing those the script says, and which
   * records the order of sends and flushes.
   */
  private static final class ScriptedProducer extends MockProducer<String, byte[]> {
    private final Predicate<ProducerRecord<String, byte[]>> failsInFlight;
    private final Deque<ProducerRecord<String, byte[]>> pending = new ArrayDeque<>();
    final List<String> events = new ArrayList<>();
    Predicate<ProducerRecord<String, byte[]>> rejectAtSend = r -> false;
    boolean answers = true;
    int sendAttempts;

    ScriptedProducer(Predicate<ProducerRecord<String, byte[]>> failsInFlight) {
      super(false, null, new StringSerializer(), new ByteArraySerializer());
      this.failsInFlight = failsInFlight;
    }

    @Override
    public synchronized Future<RecordMetadata> send(
        ProducerRecord<String, byte[]> record, Callback callback) {
      sendAttempts++;
      if (rejectAtSend.test(record)) {
        return java.util.concurrent.CompletableFuture.failedFuture(
            new RecordTooLargeException("too large"));
      }
      Future<RecordMetadata> future = super.send(record, callback);
      events.add("send " + record.key() + "#" + revision(record));
      pending.add(record);
      return future;
    }

    @Override
    public synchronized void flush() {
      events.add("flush");
      while (answers && !pending.isEmpty()) {
        if (failsInFlight.test(pending.poll())) {
          errorNext(new TimeoutException("delivery timeout"));
        } else {
          completeNext();
        }
      }
    }

    private static String revision(ProducerRecord<String, byte[]> record) {
      String payload = new String(record.value(), StandardCharsets.UTF_8);
      return payload.replaceAll("\\D", "");
    }
  }
}
