package dev.trafficmanager.consumers.runner;

import java.util.Collection;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a runner's bookkeeping true to its assignment: what it settled on a partition it gives up
 * is committed, and a partition it no longer owns is forgotten, offsets and retries alike. Kafka
 * calls it from inside {@code poll()}, on the runner's thread.
 */
final class Rebalances implements ConsumerRebalanceListener {
  private static final Logger log = LoggerFactory.getLogger(Rebalances.class);

  private final String name;
  private final Consumer<byte[], byte[]> consumer;
  private final OffsetCommitter committer;
  private final OffsetTracker offsets;
  private final PartitionRetries retries;

  Rebalances(
      String name,
      Consumer<byte[], byte[]> consumer,
      OffsetCommitter committer,
      OffsetTracker offsets,
      PartitionRetries retries) {
    this.name = name;
    this.consumer = consumer;
    this.committer = committer;
    this.offsets = offsets;
    this.retries = retries;
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
    committer.commitRevoked(partitions);
    forget(partitions);
    log.info("partitions revoked consumer={} partitions={}", name, partitions);
  }

  @Override
  public void onPartitionsLost(Collection<TopicPartition> partitions) {
    forget(partitions);
    log.warn("partitions lost consumer={} partitions={}", name, partitions);
  }

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
    // A new partition starts from its committed offset; while the sink refuses calls it waits
    // with the others instead of being fetched.
    if (retries.waitingForSink() && !partitions.isEmpty()) {
      consumer.pause(partitions);
    }
    log.info("partitions assigned consumer={} partitions={}", name, partitions);
  }

  private void forget(Collection<TopicPartition> partitions) {
    offsets.forget(partitions);
    retries.forget(partitions);
  }
}
