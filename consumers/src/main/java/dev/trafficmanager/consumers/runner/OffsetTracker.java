package dev.trafficmanager.consumers.runner;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The offsets a runner may commit: per partition, the one after its last settled record (applied,
 * or safely dead-lettered). Records settle in offset order per partition, so the latest settled is
 * the commit position. One thread uses it.
 */
final class OffsetTracker {
  private final Map<TopicPartition, OffsetAndMetadata> settled = new HashMap<>();

  void settle(ConsumerRecord<?, ?> record) {
    settled.put(
        new TopicPartition(record.topic(), record.partition()),
        new OffsetAndMetadata(record.offset() + 1, record.leaderEpoch(), ""));
  }

  /** What is settled and not committed yet. */
  Map<TopicPartition, OffsetAndMetadata> toCommit() {
    return Map.copyOf(settled);
  }

  /** What is settled and not committed yet, of these partitions only. */
  Map<TopicPartition, OffsetAndMetadata> toCommit(Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(settled);
    offsets.keySet().retainAll(partitions);
    return offsets;
  }

  /** The offsets were committed: forgets those that did not move on since. */
  void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
    offsets.forEach(settled::remove);
  }

  /** Partitions no longer this consumer's: the next owner starts from their committed offset. */
  void forget(Collection<TopicPartition> partitions) {
    settled.keySet().removeAll(partitions);
  }

  boolean isEmpty() {
    return settled.isEmpty();
  }

  @Override
  public String toString() {
    return settled.toString();
  }
}
