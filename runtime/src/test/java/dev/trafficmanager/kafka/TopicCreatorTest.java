package dev.trafficmanager.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.embedded.EmbeddedKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TopicCreatorTest {
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  private static EmbeddedKafka broker;
  private static Admin admin;

  @BeforeAll
  static void startKafka() {
    broker = EmbeddedKafka.temporary();
    broker.start();
    admin = Admin.create(kafka("admin-").clientProperties("topic-creator-test-admin"));
  }

  @AfterAll
  static void stopKafka() {
    admin.close();
    broker.close();
  }

  /** Settings of a prefix of its own, so each test sees only the topics it made. */
  private static KafkaSettings kafka(String prefix) {
    return kafka(prefix, Map.of());
  }

  private static KafkaSettings kafka(String prefix, Map<String, String> more) {
    return KafkaSettings.from(
        new Settings(
                Map.of(
                    KafkaSettings.BOOTSTRAP,
                    broker.bootstrapServers(),
                    KafkaSettings.TOPIC_PREFIX,
                    prefix,
                    KafkaSettings.PARTITIONS,
                    "3"))
            .with(more));
  }

  private static String uniquePrefix() {
    return "t" + UUID.randomUUID().toString().substring(0, 8) + "-";
  }

  @Test
  void createsEveryPipelineTopicWithItsPartitionsAndCompactsTheSnapshot() {
    KafkaSettings kafka = kafka(uniquePrefix());

    new TopicCreator(kafka).createMissing((short) 1);

    List<String> names = kafka.topics().names();
    Map<String, TopicDescription> described =
        AdminResults.await(admin.describeTopics(names).allTopicNames(), CALL_TIMEOUT);
    assertThat(described.keySet()).containsExactlyInAnyOrderElementsOf(names);
    assertThat(described.values()).allSatisfy(d -> assertThat(d.partitions()).hasSize(3));
    for (String name : names) {
      assertThat(cleanupPolicy(name))
          .as(name)
          .isEqualTo(
              kafka.topics().isCompacted(name)
                  ? TopicConfig.CLEANUP_POLICY_COMPACT
                  : TopicConfig.CLEANUP_POLICY_DELETE);
    }
  }

  @Test
  void passedThroughClientSettingsReachTheAdminClient() {
    KafkaSettings harmless =
        kafka(
            uniquePrefix(),
            Map.of(
                "TM_KAFKA_CLIENT_SECURITY_PROTOCOL", "PLAINTEXT",
                "TM_KAFKA_CLIENT_CLIENT_DNS_LOOKUP", "use_all_dns_ips"));
    KafkaSettings sasl =
        kafka(uniquePrefix(), Map.of("TM_KAFKA_CLIENT_SECURITY_PROTOCOL", "SASL_PLAINTEXT"));

    new TopicCreator(harmless).createMissing((short) 1);

    assertThat(AdminResults.await(admin.listTopics().names(), CALL_TIMEOUT))
        .contains(harmless.topics().routeEvents().name());
    assertThatThrownBy(() -> new TopicCreator(sasl).createMissing((short) 1))
        .as("SASL without a JAAS login is refused by the client itself: the setting reached it")
        .hasStackTraceContaining("JAAS");
  }

  @Test
  void theEventLogIsKeptWithoutATimeLimit() {
    KafkaSettings kafka = kafka(uniquePrefix());

    new TopicCreator(kafka).createMissing((short) 1);

    assertThat(config(kafka.topics().routeEvents().name(), TopicConfig.RETENTION_MS_CONFIG))
        .isEqualTo("-1");
    assertThat(config(kafka.topics().routeChanges().name(), TopicConfig.RETENTION_MS_CONFIG))
        .as("the change stream takes the broker's retention")
        .isNotEqualTo("-1");
  }

  @Test
  void everyPartitionTakesARecordAtOnceWhenItReturns() throws Exception {
    KafkaSettings kafka = kafka(uniquePrefix());

    new TopicCreator(kafka).createMissing((short) 1);

    // No retries: a partition whose leader were not serving yet would fail its send.
    Map<String, Object> props = kafka.clientProperties("topic-creator-test-producer");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    props.put(ProducerConfig.RETRIES_CONFIG, 0);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      for (String name : kafka.topics().names()) {
        for (int partition = 0; partition < 3; partition++) {
          sent.add(producer.send(new ProducerRecord<>(name, partition, "key", "value")));
        }
      }
      producer.flush();
      for (Future<RecordMetadata> ack : sent) {
        assertThat(ack.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).offset()).isZero();
      }
    }
  }

  @Test
  void leavesAnExistingTopicAsItIs() {
    String prefix = uniquePrefix();
    KafkaSettings kafka = kafka(prefix);
    String events = kafka.topics().routeEvents().name();
    AdminResults.await(
        admin.createTopics(List.of(new NewTopic(events, Optional.of(1), Optional.empty()))).all(),
        CALL_TIMEOUT);

    new TopicCreator(kafka).createMissing((short) 1);

    TopicDescription existing =
        AdminResults.await(admin.describeTopics(List.of(events)).allTopicNames(), CALL_TIMEOUT)
            .get(events);
    assertThat(existing.partitions()).as("still the one partition it was made with").hasSize(1);
  }

  private static String cleanupPolicy(String topic) {
    return config(topic, TopicConfig.CLEANUP_POLICY_CONFIG);
  }

  private static String config(String topic, String name) {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Config config =
        AdminResults.await(admin.describeConfigs(List.of(resource)).all(), CALL_TIMEOUT)
            .get(resource);
    return config.get(name).value();
  }
}
