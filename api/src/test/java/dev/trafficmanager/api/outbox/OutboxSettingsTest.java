package dev.trafficmanager.api.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trafficmanager.config.InvalidSettingException;
import dev.trafficmanager.config.Settings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutboxSettingsTest {

  @Test
  void defaultsSuitALocalRun() {
    OutboxSettings s = OutboxSettings.from(new Settings(Map.of()));

    assertThat(s.pollInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(s.batchSize()).isEqualTo(2_000);
    assertThat(s.retention()).isEqualTo(Duration.ofDays(7));
    assertThat(s.retentionSweepInterval()).isEqualTo(Duration.ofHours(1));
    assertThat(s.deliveryTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.maxBackoff()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.kafkaGiveUp()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.lease()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void readsEverySettingFromItsVariable() {
    OutboxSettings s =
        OutboxSettings.from(
            new Settings(
                Map.of(
                    "TM_OUTBOX_POLL_INTERVAL", "250ms",
                    "TM_OUTBOX_BATCH_SIZE", "50",
                    "TM_OUTBOX_RETENTION", "2d",
                    "TM_OUTBOX_RETENTION_SWEEP_INTERVAL", "5m",
                    "TM_KAFKA_DELIVERY_TIMEOUT", "3s",
                    "TM_OUTBOX_MAX_BACKOFF", "2s",
                    "TM_RELAY_KAFKA_GIVE_UP", "45s",
                    "TM_RELAY_LEASE", "15s")));

    assertThat(s)
        .isEqualTo(
            new OutboxSettings(
                Duration.ofMillis(250),
                50,
                Duration.ofDays(2),
                Duration.ofMinutes(5),
                Duration.ofSeconds(3),
                Duration.ofSeconds(2),
                Duration.ofSeconds(45),
                Duration.ofSeconds(15)));
  }

  @Test
  void rejectsALeaseShorterThanThreeRenewalsCanKeepNamingTheVariable() {
    assertThatThrownBy(() -> OutboxSettings.from(new Settings(Map.of("TM_RELAY_LEASE", "1s"))))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("TM_RELAY_LEASE");
  }

  @Test
  void rejectsABatchSizeOfZeroNamingTheVariable() {
    assertThatThrownBy(() -> OutboxSettings.from(new Settings(Map.of("TM_OUTBOX_BATCH_SIZE", "0"))))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("TM_OUTBOX_BATCH_SIZE");
  }

  @Test
  void rejectsADeliveryTimeoutTooShortForTheProducer() {
    assertThatThrownBy(
            () -> OutboxSettings.from(new Settings(Map.of("TM_KAFKA_DELIVERY_TIMEOUT", "500ms"))))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("TM_KAFKA_DELIVERY_TIMEOUT");
  }

  @Test
  void rejectsAMaxBackoffShorterThanThePollInterval() {
    assertThatThrownBy(
            () ->
                OutboxSettings.from(
                    new Settings(
                        Map.of("TM_OUTBOX_POLL_INTERVAL", "2s", "TM_OUTBOX_MAX_BACKOFF", "1s"))))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("TM_OUTBOX_MAX_BACKOFF");
  }
}
