package dev.trafficmanager.app.operate.offsets;

import java.util.List;
import java.util.Objects;

/** What a reset would do to one group: per partition, its committed offset and the new one. */
public record ResetPlan(GroupStatus group, OffsetTarget target, List<PartitionReset> partitions) {
  public ResetPlan {
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(target, "target");
    partitions = List.copyOf(partitions);
  }

  public long recordsToReplay() {
    return partitions.stream().mapToLong(PartitionReset::recordsToReplay).sum();
  }

  public long recordsSkipped() {
    return partitions.stream().mapToLong(PartitionReset::recordsSkipped).sum();
  }
}
