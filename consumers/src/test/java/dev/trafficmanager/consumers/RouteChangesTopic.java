package dev.trafficmanager.consumers;

import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.testkit.TestEnvironment;
import dev.trafficmanager.testkit.TopicWriter;
import dev.trafficmanager.topic.EventHeaders;
import dev.trafficmanager.topic.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A test environment's {@code route-changes} topic, written as the processor writes it (keyed by
 * route, {@code correlation-id} header), and the offsets its consumer groups committed.
 */
final class RouteChangesTopic implements AutoCloseable {
  private static final long TIMEOUT_SECONDS = 30;

  private final Topic<String, RouteChange> topic;
  private final KafkaSettings kafka;
  private final TopicWriter writer;
  private final Admin admin;

  RouteChangesTopic(TestEnvironment env) {
    this.kafka = env.kafka();
    this.topic = kafka.topics().routeChanges();
    this.writer = new TopicWriter(kafka, Duration.ofSeconds(TIMEOUT_SECONDS));
    this.admin = Admin.create(kafka.clientProperties("test-admin"));
  }

  String name() {
    return topic.name();
  }

  /** Writes a change and waits for the broker's acknowledgement. */
  RecordMetadata send(RouteChange change) {
    return sendRaw(
        change.routeKey(),
        topic.valueSerde().serializer().serialize(topic.name(), change),
        change.correlationId());
  }

  /** Writes any bytes under a route's key, as a broken producer could. */
  RecordMetadata sendRaw(String key, byte[] value, String correlationId) {
    ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic.name(), key, value);
    record
        .headers()
        .add(EventHeaders.CORRELATION_ID, correlationId.getBytes(StandardCharsets.UTF_8));
    return writer.write(record);
  }

  /**
   * The offset a consumer group ({@code tm-<consumer>}) committed on a written record's partition.
   */
  long committed(String consumer, RecordMetadata written) {
    return committed(consumer)
        .getOrDefault(new TopicPartition(written.topic(), written.partition()), -1L);
  }

  /** Every offset the group {@code tm-<consumer>} committed, by partition. */
  Map<TopicPartition, Long> committed(String consumer) {
    try {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin
              .listConsumerGroupOffsets(kafka.groupId("tm-" + consumer))
              .partitionsToOffsetAndMetadata()
              .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      Map<TopicPartition, Long> committed = new HashMap<>();
      offsets.forEach(
          (partition, offset) -> {
            if (offset != null) {
              committed.put(partition, offset.offset());
            }
          });
      return committed;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not read committed offsets", e);
    }
  }

  /** The end offset of every partition of the topic. */
  Map<TopicPartition, Long> endOffsets() {
    try {
      Set<TopicPartition> partitions =
          admin
              .describeTopics(Set.of(topic.name()))
              .allTopicNames()
              .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
              .get(topic.name())
              .partitions()
              .stream()
              .map(info -> new TopicPartition(topic.name(), info.partition()))
              .collect(Collectors.toSet());
      Map<TopicPartition, OffsetSpec> latest =
          partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
      Map<TopicPartition, ListOffsetsResultInfo> ends =
          admin.listOffsets(latest).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return ends.entrySet().stream()
          .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not read end offsets", e);
    }
  }

  /** Whether the group {@code tm-<consumer>} committed every partition up to its end. */
  boolean fullyCommitted(String consumer) {
    Map<TopicPartition, Long> committed = committed(consumer);
    return endOffsets().entrySet().stream()
        .allMatch(
            end ->
                end.getValue() == 0
                    || committed.getOrDefault(end.getKey(), -1L).equals(end.getValue()));
  }

  @Override
  public void close() {
    writer.close();
    admin.close();
  }
}
