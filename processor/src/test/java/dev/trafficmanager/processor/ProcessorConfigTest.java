package dev.trafficmanager.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trafficmanager.config.InvalidSettingException;
import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.config.Settings;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class ProcessorConfigTest {

  @Test
  void defaultsToExactlyOnceWithAShortCommitIntervalAndOneThread() {
    Properties props = ProcessorConfig.from(new Settings(Map.of())).streamsProperties();

    assertThat(props)
        .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
        .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "traffic-manager-processor")
        .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092")
        .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 30L)
        .containsEntry(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1)
        .containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1)
        .containsEntry(
            StreamsConfig.STATE_DIR_CONFIG,
            Path.of(System.getProperty("java.io.tmpdir"), "traffic-manager-streams").toString());
  }

  @Test
  void passedThroughKafkaClientSettingsReachStreamsAndItsClients() {
    Properties props =
        ProcessorConfig.from(
                new Settings(
                    Map.of(
                        "TM_KAFKA_CLIENT_SECURITY_PROTOCOL", "SASL_SSL",
                        "TM_KAFKA_CLIENT_SASL_MECHANISM", "SCRAM-SHA-512")))
            .streamsProperties();

    assertThat(props)
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
  }

  @Test
  void theApplicationIdCarriesTheTopicPrefix() {
    ProcessorConfig config =
        ProcessorConfig.from(new Settings(Map.of(KafkaSettings.TOPIC_PREFIX, "test-42-")));

    assertThat(config.applicationId()).isEqualTo("test-42-traffic-manager-processor");
    assertThat(config.streamsProperties())
        .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "test-42-traffic-manager-processor");
  }

  @Test
  void everySettingIsReadFromItsVariable() {
    Properties props =
        ProcessorConfig.from(
                new Settings(
                    Map.of(
                        KafkaSettings.BOOTSTRAP, "kafka-1:9092,kafka-2:9092",
                        ProcessorConfig.COMMIT_INTERVAL, "2s",
                        ProcessorConfig.STATE_DIR, "/var/lib/tm/streams",
                        ProcessorConfig.REPLICATION_FACTOR, "3",
                        ProcessorConfig.STREAM_THREADS, "4")))
            .streamsProperties();

    assertThat(props)
        .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka-1:9092,kafka-2:9092")
        .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 2000L)
        .containsEntry(StreamsConfig.STATE_DIR_CONFIG, "/var/lib/tm/streams")
        .containsEntry(StreamsConfig.REPLICATION_FACTOR_CONFIG, 3)
        .containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 4);
  }

  @Test
  void kafkaStreamsAcceptsTheProperties() {
    StreamsConfig config =
        new StreamsConfig(ProcessorConfig.from(new Settings(Map.of())).streamsProperties());

    assertThat(config.getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
        .isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
    assertThat(config.getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(30L);
  }

  @Test
  void badValuesAreRefusedNamingTheVariable() {
    assertThatThrownBy(
            () ->
                ProcessorConfig.from(new Settings(Map.of(ProcessorConfig.COMMIT_INTERVAL, "fast"))))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining(ProcessorConfig.COMMIT_INTERVAL);
    assertThatThrownBy(
            () ->
                ProcessorConfig.from(new Settings(Map.of(ProcessorConfig.COMMIT_INTERVAL, "0ms"))))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining(ProcessorConfig.COMMIT_INTERVAL);
    assertThatThrownBy(
            () ->
                ProcessorConfig.from(new Settings(Map.of(ProcessorConfig.REPLICATION_FACTOR, "0"))))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining(ProcessorConfig.REPLICATION_FACTOR);
    assertThatThrownBy(
            () -> ProcessorConfig.from(new Settings(Map.of(ProcessorConfig.STREAM_THREADS, "0"))))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining(ProcessorConfig.STREAM_THREADS);
  }
}
