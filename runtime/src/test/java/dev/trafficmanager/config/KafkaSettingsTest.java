package dev.trafficmanager.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaSettingsTest {
  private static final String JAAS =
      "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"tm\""
          + " password=\"s3cret-jaas\";";

  @Test
  void thePropertiesFileAndThePrefixedVariablesReachEveryClientsProperties(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("kafka.properties");
    Files.writeString(
        file,
        "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\nsasl.jaas.config="
            + JAAS
            + "\nssl.truststore.location=/etc/kafka/truststore.p12\n");

    KafkaSettings kafka =
        KafkaSettings.from(
            new Settings(
                Map.of(
                    KafkaSettings.BOOTSTRAP,
                    "kafka-1:9093",
                    KafkaSettings.PROPERTIES_FILE,
                    file.toString(),
                    "TM_KAFKA_CLIENT_SECURITY_PROTOCOL",
                    "SASL_SSL",
                    "TM_KAFKA_CLIENT_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM",
                    "https")));

    assertThat(kafka.clientProperties("tm-relay"))
        .containsEntry("bootstrap.servers", "kafka-1:9093")
        .containsEntry("client.id", "tm-relay")
        .as("a variable wins over the file")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("sasl.jaas.config", JAAS)
        .containsEntry("ssl.truststore.location", "/etc/kafka/truststore.p12")
        .containsEntry("ssl.endpoint.identification.algorithm", "https");
  }

  @Test
  void withoutEitherTheClientsGetOnlyTheBootstrapServersAndTheirId() {
    assertThat(KafkaSettings.from(new Settings(Map.of())).clientProperties("tm-x"))
        .containsOnlyKeys("bootstrap.servers", "client.id");
  }

  @Test
  void theExistingKafkaVariablesAreNotPassedThrough() {
    KafkaSettings kafka =
        KafkaSettings.from(
            new Settings(
                Map.of(
                    "TM_KAFKA_BREAKER_FAILURE_RATE", "50",
                    "TM_KAFKA_DELIVERY_TIMEOUT", "10s",
                    "TM_KAFKA_CLIENT_", "x")));

    assertThat(kafka.clientConfig()).isEmpty();
  }

  @Test
  void theBootstrapServersAreRefusedNamingTheirOwnSetting() {
    assertThatThrownBy(
            () ->
                KafkaSettings.from(
                    new Settings(Map.of("TM_KAFKA_CLIENT_BOOTSTRAP_SERVERS", "other:9092"))))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("TM_KAFKA_CLIENT_BOOTSTRAP_SERVERS")
        .hasMessageContaining("TM_KAFKA_BOOTSTRAP")
        .hasMessageNotContaining("other:9092");
  }

  @Test
  void anUnreadableFileIsRefusedNamingTheSetting(@TempDir Path dir) {
    String missing = dir.resolve("nope.properties").toString();

    assertThatThrownBy(
            () -> KafkaSettings.from(new Settings(Map.of(KafkaSettings.PROPERTIES_FILE, missing))))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageStartingWith(KafkaSettings.PROPERTIES_FILE + "=" + missing);
  }

  @Test
  void passedThroughValuesNeverAppearInItsText() {
    KafkaSettings kafka =
        KafkaSettings.from(new Settings(Map.of("TM_KAFKA_CLIENT_SASL_JAAS_CONFIG", JAAS)));

    assertThat(kafka.toString()).contains("sasl.jaas.config").doesNotContain("s3cret-jaas");
  }
}
