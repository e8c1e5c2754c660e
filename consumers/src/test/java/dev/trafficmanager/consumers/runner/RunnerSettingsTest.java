package dev.trafficmanager.consumers.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trafficmanager.config.InvalidSettingException;
import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.config.Settings;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

class RunnerSettingsTest {

  @Test
  void consumerPropertiesLeaveCommitsToTheRunnerAndReadOnlyCommittedRecords() {
    KafkaSettings kafka =
        KafkaSettings.from(
            new Settings(
                Map.of(KafkaSettings.BOOTSTRAP, "k:9092", KafkaSettings.TOPIC_PREFIX, "t1.")));

    Map<String, Object> props =
        RunnerSettings.DEFAULTS.consumerProperties(kafka, "tm-cache-invalidation");

    assertThat(props)
        .containsEntry(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "k:9092")
        .containsEntry(ConsumerConfig.GROUP_ID_CONFIG, "t1.tm-cache-invalidation")
        .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)
        .containsEntry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
        .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
        .containsEntry(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 300_000)
        .containsEntry(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
  }

  @Test
  void passedThroughClientSettingsReachTheConsumerButNeverOverrideItsGuarantees() {
    KafkaSettings kafka =
        KafkaSettings.from(
            new Settings(
                Map.of(
                    "TM_KAFKA_CLIENT_SECURITY_PROTOCOL", "SSL",
                    "TM_KAFKA_CLIENT_ENABLE_AUTO_COMMIT", "true")));

    Map<String, Object> props = RunnerSettings.DEFAULTS.consumerProperties(kafka, "tm-audit-log");

    assertThat(props)
        .containsEntry("security.protocol", "SSL")
        .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
  }

  @Test
  void withNoVariableSetTheDefaultsApply() {
    assertThat(RunnerSettings.from(new Settings(Map.of()))).isEqualTo(RunnerSettings.DEFAULTS);
  }

  @Test
  void readsEverySettingFromItsVariable() {
    RunnerSettings settings =
        RunnerSettings.from(
            new Settings(
                Map.of(
                    RunnerSettings.POLL_TIMEOUT, "100ms",
                    RunnerSettings.RETRY_INITIAL_BACKOFF, "1s",
                    RunnerSettings.RETRY_MAX_BACKOFF, "1m",
                    RunnerSettings.CLOSE_TIMEOUT, "3s",
                    RunnerSettings.MAX_ATTEMPTS, "4",
                    RunnerSettings.MAX_POLL_INTERVAL, "2m",
                    RunnerSettings.DLQ_TIMEOUT, "5s",
                    RunnerSettings.MAX_POLL_RECORDS, "300")));

    assertThat(settings)
        .isEqualTo(
            new RunnerSettings(
                Duration.ofMillis(100),
                Duration.ofSeconds(1),
                Duration.ofMinutes(1),
                Duration.ofSeconds(3),
                4,
                Duration.ofMinutes(2),
                Duration.ofSeconds(5),
                300));
  }

  @Test
  void theBackoffDoublesFromTheInitialWaitUpToTheMaximum() {
    RunnerSettings settings =
        RunnerSettings.from(
            new Settings(
                Map.of(
                    RunnerSettings.RETRY_INITIAL_BACKOFF, "100ms",
                    RunnerSettings.RETRY_MAX_BACKOFF, "1s")));

    assertThat(settings.backoff().ceiling(0)).isEqualTo(Duration.ofMillis(100));
    assertThat(settings.backoff().ceiling(3)).isEqualTo(Duration.ofMillis(800));
    assertThat(settings.backoff().ceiling(4)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void aMaximumBackoffBelowTheInitialOneIsRejectedByName() {
    Settings settings =
        new Settings(
            Map.of(
                RunnerSettings.RETRY_INITIAL_BACKOFF,
                "5s",
                RunnerSettings.RETRY_MAX_BACKOFF,
                "1s"));

    assertThatThrownBy(() -> RunnerSettings.from(settings))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining(RunnerSettings.RETRY_MAX_BACKOFF);
  }

  @Test
  void zeroAttemptsAreRejectedByName() {
    Settings settings = new Settings(Map.of(RunnerSettings.MAX_ATTEMPTS, "0"));

    assertThatThrownBy(() -> RunnerSettings.from(settings))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining(RunnerSettings.MAX_ATTEMPTS);
  }
}
