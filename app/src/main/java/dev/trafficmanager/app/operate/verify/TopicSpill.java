package dev.trafficmanager.app.operate.verify;

import dev.trafficmanager.app.operate.offsets.GroupOffsets;
import dev.trafficmanager.topic.Topic;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * Copies the records of the scope from a topic into one of the {@link EvidenceTables}, from the
 * topic's beginning (or its first record at or after the scope's {@code since}) to given end
 * offsets.
 */
final class TopicSpill {
  /** The table row of a record. */
  @FunctionalInterface
  interface Columns<V> {
    Object[] of(String key, V value, int partition, long offset);
  }

  private final TopicScan scan;
  private final EvidenceTables tables;
  private final GroupOffsets offsets;
  private final VerifyScope scope;
  private final ProgressSink progress;

  TopicSpill(
      TopicScan scan,
      EvidenceTables tables,
      GroupOffsets offsets,
      VerifyScope scope,
      ProgressSink progress) {
    this.scan = scan;
    this.tables = tables;
    this.offsets = offsets;
    this.scope = scope;
    this.progress = progress;
  }

  <V> void spill(
      Topic<String, V> topic,
      Map<TopicPartition, Long> to,
      String table,
      String columns,
      Columns<V> row)
      throws SQLException {
    Map<TopicPartition, Long> from = start(topic);
    try (CopyWriter rows = tables.writer(table, columns)) {
      scan.scan(
          topic,
          from,
          to,
          (key, value, partition, offset) -> {
            if (scope.includes(key)) {
              rows.row(row.of(key, value, partition, offset));
            }
          },
          progress.start(topic.name(), "records", records(from, to)));
    }
  }

  private Map<TopicPartition, Long> start(Topic<String, ?> topic) {
    OffsetSpec spec =
        scope
            .since()
            .map(t -> OffsetSpec.forTimestamp(t.toEpochMilli()))
            .orElse(OffsetSpec.earliest());
    Map<TopicPartition, Long> start = new HashMap<>();
    offsets
        .offsets(topic.name(), spec)
        .forEach(
            (partition, offset) -> {
              // -1: no record at or after the time, so nothing to read on this partition.
              if (offset >= 0) {
                start.put(partition, offset);
              }
            });
    return start;
  }

  private static long records(Map<TopicPartition, Long> from, Map<TopicPartition, Long> to) {
    long records = 0;
    for (Map.Entry<TopicPartition, Long> end : to.entrySet()) {
      records += Math.max(0, end.getValue() - from.getOrDefault(end.getKey(), end.getValue()));
    }
    return records;
  }
}
