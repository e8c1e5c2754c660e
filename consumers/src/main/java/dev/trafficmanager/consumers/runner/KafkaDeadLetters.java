package dev.trafficmanager.consumers.runner;

import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.topic.EventHeaders;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@link DeadLetters} on a Kafka topic, written by an idempotent producer with {@code acks=all},
 * one record at a time and waiting for each acknowledgement, through the process's Kafka circuit
 * breaker. Keys keep the original bytes, so one route's dead letters share a partition and keep
 * their order. Called on one consumer thread; the producer itself is thread-safe.
 */
public final class KafkaDeadLetters implements DeadLetters, AutoCloseable {
  // Kafka headers have no size limit of their own, but the record does; a stack of causes can be
  // long.
  private static final int MAX_MESSAGE_CHARS = 4_000;

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final CircuitBreaker breaker;
  private final Duration timeout;

  /**
   * @param producer closed by {@link #close()}
   * @param breaker the process's Kafka breaker: an open one fails a write at once
   * @param timeout the longest a write waits for its acknowledgement
   */
  public KafkaDeadLetters(
      Producer<byte[], byte[]> producer, String topic, CircuitBreaker breaker, Duration timeout) {
    this.producer = Objects.requireNonNull(producer, "producer");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.breaker = Objects.requireNonNull(breaker, "breaker");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /** Dead letters on {@code topic} with a producer of their own, bounded by {@code timeout}. */
  public static KafkaDeadLetters create(
      KafkaSettings kafka,
      String clientId,
      String topic,
      CircuitBreaker breaker,
      Duration timeout) {
    Map<String, Object> props = kafka.clientProperties(clientId);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    // A dead letter is written one at a time, and the consumer thread waits: bound every step.
    int millis = (int) Math.max(1_000, timeout.toMillis());
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, millis);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, millis);
    return new KafkaDeadLetters(
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer()),
        topic,
        breaker,
        timeout);
  }

  public String topic() {
    return topic;
  }

  @Override
  public void publish(ConsumerRecord<byte[], byte[]> record, RuntimeException error, int attempts) {
    ProducerRecord<byte[], byte[]> letter =
        new ProducerRecord<>(
            topic, null, record.key(), record.value(), headers(record, error, attempts));
    // Recorded or ignored by the breaker's config (Kafka's outage rule), by the cause it carries.
    breaker.executeRunnable(() -> send(letter));
  }

  private void send(ProducerRecord<byte[], byte[]> letter) {
    try {
      producer.send(letter).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new KafkaException("dead letter not acknowledged by " + topic, cause);
    } catch (TimeoutException e) {
      throw new KafkaException(
          "dead letter not acknowledged by " + topic + " within " + timeout.toMillis() + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptException(e);
    }
  }

  static Headers headers(
      ConsumerRecord<byte[], byte[]> record, RuntimeException error, int attempts) {
    Headers headers = new RecordHeaders(record.headers().toArray());
    add(headers, EventHeaders.DLQ_ORIGINAL_TOPIC, record.topic());
    add(headers, EventHeaders.DLQ_ORIGINAL_PARTITION, Integer.toString(record.partition()));
    add(headers, EventHeaders.DLQ_ORIGINAL_OFFSET, Long.toString(record.offset()));
    add(headers, EventHeaders.DLQ_EXCEPTION_CLASS, error.getClass().getName());
    add(headers, EventHeaders.DLQ_EXCEPTION_MESSAGE, truncate(String.valueOf(error.getMessage())));
    add(headers, EventHeaders.DLQ_ATTEMPTS, Integer.toString(attempts));
    return headers;
  }

  private static void add(Headers headers, String name, String value) {
    headers.remove(name);
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }

  private static String truncate(String message) {
    return message.length() <= MAX_MESSAGE_CHARS
        ? message
        : message.substring(0, MAX_MESSAGE_CHARS) + "…";
  }

  @Override
  public void close() {
    producer.close(timeout);
  }
}
