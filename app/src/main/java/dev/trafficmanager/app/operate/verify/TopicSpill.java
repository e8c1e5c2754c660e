package dev.trafficmanager.app.operate.verify;

import dev.trafficmanager.app.operate.offsets.GroupOffsets;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.ToLongFunction;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

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

    /** The row of {@link EvidenceTables#RECORD_COLUMNS}: key, revision, partition and offset. */
    static <V> Columns<V> revision(ToLongFunction<V> revision) {
      return (key, value, partition, offset) ->
          new Object[] {key, revision.applyAsLong(value), partition, offset};
    }
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

  /**
   * @return a note for the report when the topic no longer starts at offset 0 and the scope has no
   *     {@code since}: revisions in the records deleted before are then reported missing
   */
  <V> Optional<String> spill(
      String topic,
      Deserializer<V> values,
      Map<TopicPartition, Long> to,
      String table,
      String columns,
      Columns<V> row)
      throws SQLException {
    Map<TopicPartition, Long> from = start(topic);
    try (CopyWriter rows = tables.writer(table, columns)) {
      scan.scan(
          topic,
          values,
          from,
          to,
          (key, value, partition, offset) -> {
            if (scope.includes(key)) {
              rows.row(row.of(key, value, partition, offset));
            }
          },
          progress.start(topic, "records", records(from, to)));
    }
    return truncation(topic, from);
  }

  private Optional<String> truncation(String topic, Map<TopicPartition, Long> from) {
    if (scope.since().isPresent()) {
      return Optional.empty();
    }
    Map<Integer, Long> starts = new TreeMap<>();
    from.forEach(
        (partition, offset) -> {
          if (offset > 0) {
            starts.put(partition.partition(), offset);
          }
        });
    return starts.isEmpty()
        ? Optional.empty()
        : Optional.of(
            topic
                + " no longer starts at offset 0 (partition=first offset: "
                + starts
                + "): records were deleted (retention, or by hand), and the revisions they held"
                + " are reported missing. Check with --since within the topic's retention.");
  }

  private Map<TopicPartition, Long> start(String topic) {
    OffsetSpec spec =
        scope
            .since()
            .map(t -> OffsetSpec.forTimestamp(t.toEpochMilli()))
            .orElse(OffsetSpec.earliest());
    Map<TopicPartition, Long> start = new HashMap<>();
    offsets
        .offsets(topic, spec)
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
