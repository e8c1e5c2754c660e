package dev.trafficmanager.consumers.runner;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits what the {@link OffsetTracker} holds as settled. A commit that fails keeps its offsets
 * for the next one: committing later only means handling a few records again after a crash, which
 * every handler tolerates. Used by the runner's thread only.
 */
final class OffsetCommitter {
  private static final Logger log = LoggerFactory.getLogger(OffsetCommitter.class);

  private final String name;
  private final Consumer<byte[], byte[]> consumer;
  private final OffsetTracker offsets;

  OffsetCommitter(String name, Consumer<byte[], byte[]> consumer, OffsetTracker offsets) {
    this.name = name;
    this.consumer = consumer;
    this.offsets = offsets;
  }

  /** Commits everything settled since the last commit; a wakeup or interrupt is rethrown. */
  void commitSettled() {
    commit(offsets.toCommit(), null);
  }

  /** The last commit before the consumer closes, bounded by {@code timeout}. */
  void commitOnClose(Duration timeout) {
    try {
      commit(offsets.toCommit(), timeout);
    } catch (WakeupException e) {
      // A wakeup() that arrived while no call was blocking fails the next one: this commit.
      commit(offsets.toCommit(), timeout);
    } catch (RuntimeException e) {
      log.warn("last commit failed consumer={} offsets={}", name, offsets, e);
    }
  }

  /**
   * Commits what is settled on partitions the group takes away, while this consumer still owns
   * them; on failure the next owner handles those records again.
   */
  void commitRevoked(Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> revoked = offsets.toCommit(partitions);
    if (revoked.isEmpty()) {
      return;
    }
    try {
      consumer.commitSync(revoked);
    } catch (KafkaException e) {
      log.warn(
          "commit on revoke failed; the next owner handles these records again consumer={}"
              + " offsets={} error=\"{}\"",
          name,
          revoked,
          e.toString());
    }
  }

  private void commit(Map<TopicPartition, OffsetAndMetadata> toCommit, Duration timeout) {
    if (toCommit.isEmpty()) {
      return;
    }
    try {
      if (timeout == null) {
        consumer.commitSync(toCommit);
      } else {
        consumer.commitSync(toCommit, timeout);
      }
      offsets.committed(toCommit);
    } catch (WakeupException | InterruptException e) {
      throw e;
    } catch (KafkaException e) {
      // Kept for the next commit; a partition this consumer loses is forgotten by the rebalance.
      log.warn(
          "commit failed, will commit again consumer={} offsets={} error=\"{}\"",
          name,
          toCommit,
          e.toString());
    }
  }
}
