package dev.trafficmanager.api;

import dev.trafficmanager.testkit.TestEnvironment;
import dev.trafficmanager.topic.ConsumerGroups;
import dev.trafficmanager.topic.EventHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** What the console shows, arranged in Kafka the way the pipeline's stages would leave it. */
final class PipelineFixtures {
  private final TestEnvironment env;

  PipelineFixtures(TestEnvironment env) {
    this.env = env;
  }

  /**
   * Parks a record in the audit-log consumer's DLQ as that consumer does, with the headers naming
   * the {@code route-changes} record that failed.
   */
  void parkAuditLogRecord(String key, int originalPartition, long originalOffset, String error) {
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(
            env.topics().consumerDlq("audit-log").name(),
            key,
            ("{\"route_key\":\"" + key + "\"}").getBytes(StandardCharsets.UTF_8));
    header(record, EventHeaders.DLQ_ORIGINAL_TOPIC, env.topics().routeChanges().name());
    header(record, EventHeaders.DLQ_ORIGINAL_PARTITION, String.valueOf(originalPartition));
    header(record, EventHeaders.DLQ_ORIGINAL_OFFSET, String.valueOf(originalOffset));
    header(record, EventHeaders.DLQ_EXCEPTION_CLASS, "org.postgresql.util.PSQLException");
    header(record, EventHeaders.DLQ_EXCEPTION_MESSAGE, error);
    header(record, EventHeaders.DLQ_ATTEMPTS, "10");
    env.write(List.of(record));
  }

  /** Writes {@code records} to {@code route-changes}, partition 0. */
  void writeRouteChanges(int records) {
    List<ProducerRecord<String, byte[]>> batch = new ArrayList<>();
    for (int i = 0; i < records; i++) {
      batch.add(
          new ProducerRecord<>(
              env.topics().routeChanges().name(),
              0,
              "t/s/e/v" + i,
              "{}".getBytes(StandardCharsets.UTF_8)));
    }
    env.write(batch);
  }

  /**
   * Writes {@code records} to {@code route-changes} partition {@code partition} in one transaction,
   * as the processor does: the partition's last offset is then the transaction's commit marker.
   */
  void writeRouteChangesInATransaction(int partition, int records) {
    Map<String, Object> props = env.kafka().clientProperties("fixture-transactional");
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, env.kafka().groupId("fixture-transactional"));
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      for (int i = 0; i < records; i++) {
        producer.send(
            new ProducerRecord<>(
                env.topics().routeChanges().name(),
                partition,
                "t/s/e/v" + i,
                "{}".getBytes(StandardCharsets.UTF_8)));
      }
      producer.commitTransaction();
    }
  }

  /** Commits {@code offset} on {@code route-changes} partition 0 for a consumer's group. */
  void commitConsumerOffset(String consumer, long offset) {
    commitConsumerOffset(consumer, 0, offset);
  }

  /** Commits {@code offset} on a {@code route-changes} partition for a consumer's group. */
  void commitConsumerOffset(String consumer, int partition, long offset) {
    Map<String, Object> props = env.kafka().clientProperties("fixture-" + consumer);
    props.put(
        ConsumerConfig.GROUP_ID_CONFIG, env.kafka().groupId(ConsumerGroups.consumer(consumer)));
    try (KafkaConsumer<byte[], byte[]> committer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      committer.commitSync(
          Map.of(
              new TopicPartition(env.topics().routeChanges().name(), partition),
              new OffsetAndMetadata(offset)));
    }
  }

  private static void header(ProducerRecord<String, byte[]> record, String name, String value) {
    record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
  }
}
