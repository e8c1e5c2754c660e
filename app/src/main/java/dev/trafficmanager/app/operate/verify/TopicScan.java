package dev.trafficmanager.app.operate.verify;

import dev.trafficmanager.app.operate.progress.Progress;
import dev.trafficmanager.config.KafkaSettings;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads a topic's committed records ({@code read_committed}), their values read by a given
 * deserializer (which sees the headers), from given offsets up to given end offsets, without a
 * consumer group, and hands each to a sink as it comes: a poll's records at a time in memory,
 * however long the topic.
 */
final class TopicScan {
  /** What is done with each record read. */
  @FunctionalInterface
  interface Sink<V> {
    void accept(String key, V value, int partition, long offset) throws SQLException;
  }

  private static final Duration POLL = Duration.ofMillis(500);

  private final KafkaSettings kafka;
  private final Duration stallTimeout;

  /**
   * @param stallTimeout how long reading may make no progress before it fails
   */
  TopicScan(KafkaSettings kafka, Duration stallTimeout) {
    this.kafka = kafka;
    this.stallTimeout = stallTimeout;
  }

  /**
   * Reads every partition of {@code to} from its offset in {@code from} (a partition absent there:
   * from its end, nothing) to its offset in {@code to}. A record without a value, or one the
   * topic's serde cannot read, is skipped: the processor sends such events to the dead-letter topic
   * and they are part of no route's history.
   *
   * @return the records handed to the sink
   * @throws IllegalStateException when the topic makes no progress for the stall timeout
   */
  <V> long scan(
      String topic,
      Deserializer<V> values,
      Map<TopicPartition, Long> from,
      Map<TopicPartition, Long> to,
      Sink<V> sink,
      Progress progress)
      throws SQLException {
    Map<TopicPartition, Long> start = new HashMap<>();
    to.forEach(
        (partition, end) -> start.put(partition, Math.min(end, from.getOrDefault(partition, end))));
    Map<String, Object> props = kafka.clientProperties(Verifier.CLIENT_ID);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // What one poll may hold in memory, whatever the topic's length.
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 8 * 1024 * 1024);
    long handed = 0;
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(to.keySet());
      start.forEach(consumer::seek);
      long lastProgress = System.nanoTime();
      long read = 0;
      while (!reached(consumer, to)) {
        long before = read;
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
          TopicPartition partition = new TopicPartition(record.topic(), record.partition());
          if (record.offset() >= to.get(partition)) {
            continue;
          }
          read++;
          V value = decode(values, topic, record.headers(), record.value());
          if (value != null && record.key() != null) {
            sink.accept(
                new String(record.key(), StandardCharsets.UTF_8),
                value,
                record.partition(),
                record.offset());
            handed++;
          }
          progress.update(read);
        }
        if (read > before) {
          lastProgress = System.nanoTime();
        } else if (System.nanoTime() - lastProgress > stallTimeout.toNanos()) {
          throw new IllegalStateException(
              topic + " made no progress for " + stallTimeout + " while read to " + to);
        }
      }
      progress.update(read);
      progress.finish();
    }
    return handed;
  }

  private static <V> V decode(Deserializer<V> values, String topic, Headers headers, byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    try {
      return values.deserialize(topic, headers, bytes);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> to) {
    return to.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
  }
}
