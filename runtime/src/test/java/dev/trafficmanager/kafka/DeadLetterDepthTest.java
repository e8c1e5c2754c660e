package dev.trafficmanager.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.embedded.EmbeddedKafka;
import dev.trafficmanager.metrics.Metrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DeadLetterDepthTest {
  private static final Duration BOUND = Duration.ofSeconds(60);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
  private static final int PARTITIONS = 3;
  private static final DeadLetterDepthSettings OFTEN =
      new DeadLetterDepthSettings(Duration.ofMillis(100));

  private static EmbeddedKafka broker;
  private static KafkaSettings kafka;
  private static Admin admin;

  @BeforeAll
  static void startKafka() {
    broker = EmbeddedKafka.temporary();
    broker.start();
    kafka =
        KafkaSettings.from(
            new Settings(Map.of(KafkaSettings.BOOTSTRAP, broker.bootstrapServers())));
    admin = Admin.create(kafka.clientProperties("dlq-depth-test-admin"));
  }

  @AfterAll
  static void stopKafka() {
    admin.close();
    broker.close();
  }

  @Test
  void depthIsTheRecordsOfAllPartitionsAndFallsWhenRecordsAreDeleted() {
    String topic = createTopic();
    produce(topic, 6);
    try (Metrics metrics = new Metrics("test");
        DeadLetterDepth depth = start(List.of(topic), metrics)) {
      awaitDepth(depth, topic, 6);
      assertThat(depth.healthDetail(topic))
          .containsEntry("dlq_records", 6L)
          .containsKey("dlq_read_at");
      assertThat(gauge(metrics, topic)).isEqualTo("6.0");

      // produce(…) puts two records in each partition: delete both of partition 0.
      AdminResults.await(
          admin
              .deleteRecords(Map.of(new TopicPartition(topic, 0), RecordsToDelete.beforeOffset(2)))
              .all(),
          CALL_TIMEOUT);

      awaitDepth(depth, topic, 4);
      assertThat(gauge(metrics, topic)).isEqualTo("4.0");
    }
  }

  @Test
  void aMissingTopicReadsAsUnknownWhileTheOthersAreRead() {
    String present = createTopic();
    String missing = "missing-" + UUID.randomUUID();
    produce(present, 3);
    try (Metrics metrics = new Metrics("test");
        DeadLetterDepth depth = start(List.of(missing, present), metrics)) {
      awaitDepth(depth, present, 3);

      produce(present, 3);

      // Read again after the missing topic failed: the failure stopped nothing.
      awaitDepth(depth, present, 6);
      assertThat(depth.last(missing)).isEmpty();
      assertThat(depth.healthDetail(missing))
          .containsExactlyEntriesOf(Map.of("dlq_records", DeadLetterDepth.UNKNOWN));
      assertThat(gauge(metrics, missing)).isEqualTo("NaN");
    }
  }

  @Test
  void closeRemovesTheGauges() {
    String topic = createTopic();
    try (Metrics metrics = new Metrics("test")) {
      DeadLetterDepth depth = start(List.of(topic), metrics);
      assertThat(metrics.scrape()).contains("tm_dlq_depth_records{");

      depth.close();

      assertThat(metrics.scrape()).doesNotContain("tm_dlq_depth_records");
    }
  }

  private static DeadLetterDepth start(List<String> topics, Metrics metrics) {
    return DeadLetterDepth.start(
        kafka, OFTEN, "dlq-depth-test-" + UUID.randomUUID(), topics, metrics.registry());
  }

  private static void awaitDepth(DeadLetterDepth depth, String topic, long records) {
    await("depth of " + topic + " read as " + records)
        .atMost(BOUND)
        .until(
            () -> depth.last(topic).map(DeadLetterDepth.Reading::records),
            read -> read.equals(Optional.of(records)));
  }

  /** The gauge's sample in the Prometheus scrape, or null when it is not there. */
  private static String gauge(Metrics metrics, String topic) {
    return metrics
        .scrape()
        .lines()
        .filter(line -> line.startsWith("tm_dlq_depth_records{"))
        .filter(line -> line.contains("topic=\"" + topic + "\""))
        .map(line -> line.substring(line.lastIndexOf(' ') + 1))
        .findFirst()
        .orElse(null);
  }

  private static String createTopic() {
    String topic = "dlq-" + UUID.randomUUID();
    AdminResults.await(
        admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all(),
        CALL_TIMEOUT);
    return topic;
  }

  /** {@code count} records spread round-robin over the partitions. */
  private static void produce(String topic, int count) {
    Map<String, Object> props = kafka.clientProperties("dlq-depth-test-producer");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        sent.add(
            producer.send(new ProducerRecord<>(topic, i % PARTITIONS, "key-" + i, "letter-" + i)));
      }
      producer.flush();
      for (Future<RecordMetadata> ack : sent) {
        ack.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Kafka did not take a test record", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
