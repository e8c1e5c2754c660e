package dev.trafficmanager.api.console;

import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.topic.EventHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the newest records of one dead-letter topic for the console, with a consumer of its own
 * that joins no group (it only looks: nothing is committed, nothing moves), read-committed since
 * the processor writes its dead letters in transactions.
 */
public final class DeadLetterReader {
  static final int MAX_VALUE_CHARS = 4096;

  private final KafkaSettings kafka;
  private final PipelineStages stages;
  private final Clock clock;

  DeadLetterReader(KafkaSettings kafka, PipelineStages stages, Clock clock) {
    this.kafka = kafka;
    this.stages = stages;
    this.clock = clock;
  }

  /** The dead-letter topics this deployment has, in pipeline order. */
  public List<String> topics() {
    return stages.all().stream().map(PipelineStages.Stage::deadLetterTopic).toList();
  }

  /**
   * Up to {@code limit} of the newest records of {@code topic}, newest first.
   *
   * @throws IllegalArgumentException when {@code topic} is not one of {@link #topics()}
   * @throws PipelineReader.KafkaUnanswered when Kafka does not answer in time
   */
  public List<ParkedRecord> newest(String topic, int limit) {
    PipelineStages.Stage stage =
        stages
            .byDeadLetterTopic(topic)
            .orElseThrow(() -> new IllegalArgumentException("not a dead-letter topic: " + topic));
    Map<String, Object> props = kafka.clientProperties("tm-console-dead-letters");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(limit, 1));
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<PartitionInfo> infos;
      try {
        infos = consumer.partitionsFor(topic, PipelineReader.TIMEOUT);
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        throw new PipelineReader.KafkaUnanswered("Kafka did not answer in time", e);
      }
      if (infos == null || infos.isEmpty()) {
        return List.of();
      }
      List<TopicPartition> partitions =
          infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, PipelineReader.TIMEOUT);
      Map<TopicPartition, Long> starts =
          consumer.beginningOffsets(partitions, PipelineReader.TIMEOUT);
      Map<TopicPartition, Long> remaining = new LinkedHashMap<>();
      for (TopicPartition partition : partitions) {
        long end = ends.get(partition);
        long from = Math.max(starts.get(partition), end - limit);
        if (from < end) {
          consumer.seek(partition, from);
          remaining.put(partition, end);
        } else {
          consumer.pause(List.of(partition));
        }
      }
      List<ParkedRecord> records = new ArrayList<>();
      Instant deadline = clock.instant().plus(PipelineReader.TIMEOUT);
      while (!remaining.isEmpty() && clock.instant().isBefore(deadline)) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(PipelineReader.POLL)) {
          TopicPartition partition = new TopicPartition(record.topic(), record.partition());
          Long end = remaining.get(partition);
          if (end != null && record.offset() < end) {
            records.add(parked(stage, record));
          }
        }
        // Positions pass transaction markers too, so compare positions, not records seen.
        remaining.keySet().removeIf(p -> consumer.position(p) >= remaining.get(p));
      }
      return records.stream()
          .sorted(
              Comparator.comparing(ParkedRecord::timestamp)
                  .thenComparing(ParkedRecord::offset)
                  .reversed())
          .limit(limit)
          .toList();
    }
  }

  private ParkedRecord parked(PipelineStages.Stage stage, ConsumerRecord<byte[], byte[]> record) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (Header header : record.headers()) {
      headers.put(header.key(), text(header.value()));
    }
    String value = text(record.value());
    if (value != null && value.length() > MAX_VALUE_CHARS) {
      value = value.substring(0, MAX_VALUE_CHARS) + "…";
    }
    return new ParkedRecord(
        record.topic(),
        record.partition(),
        record.offset(),
        Instant.ofEpochMilli(record.timestamp()),
        text(record.key()),
        headers,
        value,
        replayCommand(stage, headers).orElse(null));
  }

  /**
   * The command that re-applies the parked record and what followed it: the stage's group reset to
   * the record's original offset. It refuses while the group has members, so the stage is stopped
   * first (the README's runbook).
   */
  private static Optional<String> replayCommand(
      PipelineStages.Stage stage, Map<String, String> headers) {
    String topic = headers.get(EventHeaders.DLQ_ORIGINAL_TOPIC);
    String partition = headers.get(EventHeaders.DLQ_ORIGINAL_PARTITION);
    String offset = headers.get(EventHeaders.DLQ_ORIGINAL_OFFSET);
    if (topic == null || partition == null || offset == null) {
      return Optional.empty();
    }
    return Optional.of(
        String.format(
            Locale.ROOT,
            "java -jar traffic-manager.jar replay --group %s --topic %s:%s --to-offset %s --execute",
            stage.group(),
            topic,
            partition,
            offset));
  }

  private static String text(byte[] bytes) {
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }
}
