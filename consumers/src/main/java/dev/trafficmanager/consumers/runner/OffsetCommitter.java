package dev.trafficmanager.consumers.runner;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
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
 *
 * <p>The loop's commits are asynchronous: an offset is sent only after its record's effect is done,
 * so not waiting for the coordinator's answer changes nothing a crash can lose, and the next poll
 * starts at once instead of one round trip later (a replay commits every 2,000 records, a live
 * consumer after every few). Their callbacks run on the runner's thread, in a later poll or commit.
 * The commits on revoke and on close wait for their answer: the partitions' next owner starts from
 * them.
 */
final class OffsetCommitter {
  private static final Logger log = LoggerFactory.getLogger(OffsetCommitter.class);

  private final String name;
  private final Consumer<byte[], byte[]> consumer;
  private final OffsetTracker offsets;
  // Sent and not answered yet: not sent again while they are on their way.
  private final Map<TopicPartition, OffsetAndMetadata> inFlight = new HashMap<>();

  OffsetCommitter(String name, Consumer<byte[], byte[]> consumer, OffsetTracker offsets) {
    this.name = name;
    this.consumer = consumer;
    this.offsets = offsets;
  }

  /**
   * Sends what is settled and not committed yet, without waiting for the answer; a failure keeps
   * the offsets for the next commit.
   */
  void commitSettled() {
    Map<TopicPartition, OffsetAndMetadata> toCommit = new HashMap<>(offsets.toCommit());
    toCommit.entrySet().removeIf(entry -> entry.getValue().equals(inFlight.get(entry.getKey())));
    if (toCommit.isEmpty()) {
      return;
    }
    inFlight.putAll(toCommit);
    try {
      consumer.commitAsync(
          toCommit,
          (committed, error) -> {
            toCommit.forEach(inFlight::remove);
            if (error == null) {
              offsets.committed(toCommit);
            } else {
              commitFailed(toCommit, error);
            }
          });
    } catch (KafkaException e) {
      toCommit.forEach(inFlight::remove);
      commitFailed(toCommit, e);
    }
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
      consumer.commitSync(toCommit, timeout);
      offsets.committed(toCommit);
    } catch (WakeupException | InterruptException e) {
      throw e;
    } catch (KafkaException e) {
      commitFailed(toCommit, e);
    }
  }

  // Kept for the next commit; a partition this consumer loses is forgotten by the rebalance.
  private void commitFailed(Map<TopicPartition, OffsetAndMetadata> toCommit, Exception error) {
    log.warn(
        "commit failed, will commit again consumer={} offsets={} error=\"{}\"",
        name,
        toCommit,
        error.toString());
  }
}
