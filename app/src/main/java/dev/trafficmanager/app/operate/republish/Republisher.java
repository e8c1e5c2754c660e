package dev.trafficmanager.app.operate.republish;

import dev.trafficmanager.api.outbox.StoredEvent;
import dev.trafficmanager.app.operate.progress.Progress;
import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.topic.EventHeaders;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes stored events to {@code route-events} again, each as the outbox relay published it: the
 * route key as key, the payload's bytes as value, {@code correlation-id} and {@code event-type}
 * headers. Downstream, the processor drops revisions it has applied, so republishing what Kafka
 * still holds changes nothing, and what Kafka lost is restored.
 *
 * <p>Rows go out in id order through an idempotent producer ({@code acks=all}, at most five
 * requests in flight), which keeps each partition in send order across its own retries: a route's
 * revisions land in revision order. The first record the broker does not acknowledge stops the run;
 * records sent after it may have landed, and a second run sends the range again, in order.
 */
public final class Republisher {
  /** The producer's client id. */
  public static final String CLIENT_ID = "tm-republish";

  /** The stored events to publish, read as they are sent. */
  @FunctionalInterface
  public interface StoredEvents {
    /**
     * Hands each event to {@code action}, in outbox order, until it returns false.
     *
     * @return the events handed over
     */
    long forEach(Predicate<StoredEvent> action) throws SQLException;
  }

  private final Producer<String, byte[]> producer;
  private final String topic;

  /**
   * @param producer an idempotent producer as {@link #producerConfig} configures it; the caller
   *     closes it
   */
  public Republisher(Producer<String, byte[]> producer, String topic) {
    this.producer = Objects.requireNonNull(producer, "producer");
    this.topic = Objects.requireNonNull(topic, "topic");
  }

  /** The producer configuration: the relay's guarantees, tuned for throughput. */
  public static Map<String, Object> producerConfig(KafkaSettings kafka) {
    Map<String, Object> props = kafka.clientProperties(CLIENT_ID);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    // Unlike the relay, nobody waits for one event here: fuller batches are the point.
    props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    // A broker that is gone fails the run within this bound rather than after the default minute.
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
    return props;
  }

  /**
   * Publishes every event, waits for the acknowledgements, and reports progress in acknowledged
   * events.
   *
   * @throws SQLException when reading the outbox fails; what was sent before is acknowledged or
   *     failed as usual, and the result is lost with the exception
   */
  public RepublishResult publish(StoredEvents events, Progress progress) throws SQLException {
    long startNanos = System.nanoTime();
    AtomicLong acknowledged = new AtomicLong();
    AtomicReference<RepublishResult.Failure> failure = new AtomicReference<>();
    try {
      events.forEach(
          event -> {
            if (failure.get() != null) {
              return false;
            }
            send(event, acknowledged, failure);
            progress.update(acknowledged.get());
            return true;
          });
    } finally {
      flush(failure);
    }
    progress.update(acknowledged.get());
    progress.finish();
    return new RepublishResult(
        acknowledged.get(),
        Optional.ofNullable(failure.get()),
        Duration.ofNanos(System.nanoTime() - startNanos));
  }

  private void send(
      StoredEvent event,
      AtomicLong acknowledged,
      AtomicReference<RepublishResult.Failure> failure) {
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(
            topic, event.routeKey(), event.payload().getBytes(StandardCharsets.UTF_8));
    record.headers().add(EventHeaders.CORRELATION_ID, utf8(event.correlationId()));
    record.headers().add(EventHeaders.EVENT_TYPE, utf8(event.eventType()));
    try {
      producer.send(
          record,
          (metadata, error) -> {
            if (error == null) {
              acknowledged.incrementAndGet();
            } else {
              failure.compareAndSet(null, new RepublishResult.Failure(event, error));
            }
          });
    } catch (KafkaException e) {
      failure.compareAndSet(null, new RepublishResult.Failure(event, e));
    }
  }

  private void flush(AtomicReference<RepublishResult.Failure> failure) {
    try {
      producer.flush();
    } catch (KafkaException e) {
      // Every record's callback has reported its own outcome; keep the first as the failure.
      failure.compareAndSet(null, new RepublishResult.Failure(null, e));
    }
  }

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }
}
