package dev.trafficmanager.api.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.config.Settings;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class RelayProducerTest {
  private final KafkaSettings kafka = KafkaSettings.from(new Settings(Map.of()));

  @Test
  void isIdempotentWaitsForAllReplicasAndKeepsOrderAcrossRetries() {
    Map<String, Object> config =
        RelayProducer.config(kafka, OutboxSettings.from(new Settings(Map.of())));

    assertThat(config)
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
        .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
        .containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
    assertThat((Integer) config.get(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION))
        .isLessThanOrEqualTo(5);
    assertThat((Long) config.get(ProducerConfig.MAX_BLOCK_MS_CONFIG)).isLessThanOrEqualTo(5_000L);
  }

  @Test
  void theShortestAllowedDeliveryTimeoutIsAValidProducerConfiguration() {
    OutboxSettings settings =
        new OutboxSettings(
            Duration.ofMillis(100),
            10,
            Duration.ofDays(1),
            Duration.ofMinutes(1),
            OutboxSettings.MIN_DELIVERY_TIMEOUT,
            Duration.ofSeconds(1),
            Duration.ofSeconds(30),
            Duration.ofSeconds(10));

    assertThatCode(
            () -> new KafkaProducer<String, byte[]>(RelayProducer.config(kafka, settings)).close())
        .doesNotThrowAnyException();
  }
}
