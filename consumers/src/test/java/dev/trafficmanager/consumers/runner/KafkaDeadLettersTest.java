package dev.trafficmanager.consumers.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trafficmanager.kafka.KafkaFailures;
import dev.trafficmanager.topic.EventHeaders;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class KafkaDeadLettersTest {
  private static final String DLQ = "route-changes.audit-log.dlq";
  private static final byte[] KEY = "acme/billing/prod/v1".getBytes(StandardCharsets.UTF_8);
  private static final byte[] VALUE = "not json".getBytes(StandardCharsets.UTF_8);

  private final CircuitBreaker breaker =
      CircuitBreaker.of(
          "kafka", KafkaFailures.OUTAGE.applyTo(CircuitBreakerConfig.custom()).build());

  @Test
  void writesTheOriginalBytesWithTheirHeadersAndTheDeadLetterHeaders() {
    MockProducer<byte[], byte[]> producer = producer(true);
    KafkaDeadLetters deadLetters =
        new KafkaDeadLetters(producer, DLQ, breaker, Duration.ofSeconds(1));

    deadLetters.publish(
        record(), new UnreadableRecordException("Unrecognized token 'not'", null), 1);

    ProducerRecord<byte[], byte[]> letter = producer.history().get(0);
    assertThat(letter.topic()).isEqualTo(DLQ);
    assertThat(letter.key()).isEqualTo(KEY);
    assertThat(letter.value()).isEqualTo(VALUE);
    assertThat(header(letter, EventHeaders.CORRELATION_ID)).isEqualTo("corr-7");
    assertThat(header(letter, EventHeaders.DLQ_ORIGINAL_TOPIC)).isEqualTo("route-changes");
    assertThat(header(letter, EventHeaders.DLQ_ORIGINAL_PARTITION)).isEqualTo("2");
    assertThat(header(letter, EventHeaders.DLQ_ORIGINAL_OFFSET)).isEqualTo("41");
    assertThat(header(letter, EventHeaders.DLQ_EXCEPTION_CLASS))
        .isEqualTo(UnreadableRecordException.class.getName());
    assertThat(header(letter, EventHeaders.DLQ_EXCEPTION_MESSAGE))
        .isEqualTo("Unrecognized token 'not'");
    assertThat(header(letter, EventHeaders.DLQ_ATTEMPTS)).isEqualTo("1");
    assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
  }

  @Test
  void anUnacknowledgedWriteThrowsAndCountsAsAKafkaFailure() {
    // Never completes: the acknowledgement does not come within the timeout.
    KafkaDeadLetters deadLetters =
        new KafkaDeadLetters(producer(false), DLQ, breaker, Duration.ofMillis(50));

    assertThatThrownBy(() -> deadLetters.publish(record(), new IllegalStateException("bug"), 10))
        .isInstanceOf(KafkaException.class)
        .hasMessageContaining(DLQ);
    assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
  }

  @Test
  void anOpenKafkaBreakerRefusesTheWriteWithoutSending() {
    MockProducer<byte[], byte[]> producer = producer(true);
    KafkaDeadLetters deadLetters =
        new KafkaDeadLetters(producer, DLQ, breaker, Duration.ofSeconds(1));
    breaker.transitionToOpenState();

    assertThatThrownBy(() -> deadLetters.publish(record(), new IllegalStateException("bug"), 10))
        .isInstanceOf(CallNotPermittedException.class);
    assertThat(producer.history()).isEmpty();
  }

  private static MockProducer<byte[], byte[]> producer(boolean acknowledges) {
    return new MockProducer<>(
        acknowledges, null, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static ConsumerRecord<byte[], byte[]> record() {
    RecordHeaders headers = new RecordHeaders();
    headers.add(EventHeaders.CORRELATION_ID, "corr-7".getBytes(StandardCharsets.UTF_8));
    return new ConsumerRecord<>(
        "route-changes",
        2,
        41,
        ConsumerRecord.NO_TIMESTAMP,
        TimestampType.NO_TIMESTAMP_TYPE,
        ConsumerRecord.NULL_SIZE,
        ConsumerRecord.NULL_SIZE,
        KEY,
        VALUE,
        headers,
        Optional.empty());
  }

  private static String header(ProducerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
