package dev.trafficmanager.testkit;

import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.topic.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads what a topic holds right now: every committed record from the beginning up to the end
 * offsets at the time of the call, without a consumer group (no offsets are committed).
 *
 * <p>Records come sorted by partition, then offset, so the order of one key's records is the order
 * they were written in. To wait for records still to come, call it inside Awaitility: {@code
 * await("two changes").atMost(ofSeconds(20)).until(() -> reader.readAll(topic), hasSize(2))}.
 */
public final class TopicReader {
  private final KafkaSettings kafka;
  private final Duration timeout;

  /**
   * @param timeout how long one {@link #readAll} may take before it fails
   */
  public TopicReader(KafkaSettings kafka, Duration timeout) {
    this.kafka = kafka;
    this.timeout = timeout;
  }

  /**
   * Every committed record of the topic, decoded with the topic's serdes.
   *
   * @throws IllegalStateException when the topic does not exist or cannot be read within the
   *     timeout
   */
  public <K, V> List<ConsumerRecord<K, V>> readAll(Topic<K, V> topic) {
    Map<String, Object> props = kafka.clientProperties("tm-test-topic-reader");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // Records of aborted or still open transactions are not part of what a topic holds.
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<K, V> consumer =
        new KafkaConsumer<>(
            props, topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic.name(), timeout);
      if (infos.isEmpty()) {
        throw new IllegalStateException("topic " + topic.name() + " does not exist");
      }
      Set<TopicPartition> partitions =
          infos.stream()
              .map(info -> new TopicPartition(info.topic(), info.partition()))
              .collect(Collectors.toSet());
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
      List<ConsumerRecord<K, V>> records = new ArrayList<>();
      while (!reached(consumer, end)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "topic " + topic.name() + " not read to its end within " + timeout);
        }
        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
      }
      records.sort(
          Comparator.comparingInt((ConsumerRecord<K, V> r) -> r.partition())
              .thenComparingLong(ConsumerRecord::offset));
      return records;
    }
  }

  private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
    return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
  }
}
