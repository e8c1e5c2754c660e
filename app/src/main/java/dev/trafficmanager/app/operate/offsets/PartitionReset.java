package dev.trafficmanager.app.operate.offsets;

import java.util.OptionalLong;
import org.apache.kafka.common.TopicPartition;

/**
 * One partition of a reset plan.
 *
 * @param current the group's committed offset, empty if it has none
 * @param newOffset the offset the reset commits
 * @param logStart the first offset still in the log
 * @param logEnd the offset after the last committed record (the last stable offset)
 */
public record PartitionReset(
    TopicPartition partition, OptionalLong current, long newOffset, long logStart, long logEnd) {

  /** Records the group reads a second time: from the new offset up to where it had got. */
  public long recordsToReplay() {
    return current.isPresent() ? Math.max(0, Math.min(current.getAsLong(), logEnd) - newOffset) : 0;
  }

  /** Records the group never reads, because the new offset lies ahead of its committed one. */
  public long recordsSkipped() {
    return current.isPresent() ? Math.max(0, newOffset - current.getAsLong()) : 0;
  }
}
