package dev.trafficmanager.app.operate.verify;

import java.util.Map;

/**
 * A group's committed offsets on one topic, by partition. A consumer commits only after its side
 * effect succeeded (the processor: in the transaction of its output), so a record below its group's
 * committed offset has had its effect.
 */
record CommittedOffsets(String groupId, Map<Integer, Long> byPartition) {
  CommittedOffsets {
    byPartition = Map.copyOf(byPartition);
  }

  /** Whether the group has committed past the record. */
  boolean passed(RecordAt record) {
    Long committed = byPartition.get(record.partition());
    return committed != null && committed > record.offset();
  }

  String describe(RecordAt record) {
    Long committed = byPartition.get(record.partition());
    return groupId
        + (committed == null
            ? " has committed nothing on partition " + record.partition()
            : " committed offset " + committed + " on partition " + record.partition())
        + ", the record of "
        + record;
  }
}
