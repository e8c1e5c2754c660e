package dev.trafficmanager.consumers.runner;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.clients.consumer.RetriableCommitFailedException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * A {@link MockConsumer} that keeps its records the way a broker keeps its log, so that a seek back
 * fetches them again (MockConsumer hands each added record out once); and whose poll, when it has
 * nothing to return, blocks for its timeout like a real one instead of spinning.
 */
final class LogBackedConsumer extends MockConsumer<byte[], byte[]> {
  private final Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> log = new HashMap<>();
  // MockConsumer reports 0 as the committed offset of a partition it no longer has; a group does
  // not.
  private final Map<TopicPartition, Long> groupOffsets = new HashMap<>();
  private int polls;
  private boolean rejectingCommits;
  private int rejectedCommits;

  LogBackedConsumer() {
    super("earliest");
  }

  /** Makes the partitions this consumer's assignment at its next poll, starting at offset 0. */
  synchronized void assignAtNextPoll(List<TopicPartition> partitions) {
    Map<TopicPartition, Long> beginning = new HashMap<>();
    partitions.forEach(partition -> beginning.put(partition, 0L));
    updateBeginningOffsets(beginning);
    Map<TopicPartition, Long> end = new HashMap<>();
    partitions.forEach(
        partition -> end.put(partition, (long) log.getOrDefault(partition, List.of()).size()));
    updateEndOffsets(end);
    schedulePollTask(() -> rebalance(partitions));
  }

  /** Appends a record to a partition's log and returns its offset. */
  synchronized long append(TopicPartition partition, String key, byte[] value) {
    return append(partition, key, value, new RecordHeaders());
  }

  /** Appends a record with headers to a partition's log and returns its offset. */
  synchronized long append(TopicPartition partition, String key, byte[] value, Headers headers) {
    List<ConsumerRecord<byte[], byte[]>> records =
        log.computeIfAbsent(partition, p -> new ArrayList<>());
    long offset = records.size();
    records.add(
        new ConsumerRecord<>(
            partition.topic(),
            partition.partition(),
            offset,
            ConsumerRecord.NO_TIMESTAMP,
            TimestampType.NO_TIMESTAMP_TYPE,
            ConsumerRecord.NULL_SIZE,
            ConsumerRecord.NULL_SIZE,
            key.getBytes(StandardCharsets.UTF_8),
            value,
            headers,
            Optional.empty()));
    updateEndOffsets(Map.of(partition, offset + 1));
    notifyAll();
    return offset;
  }

  synchronized int polls() {
    return polls;
  }

  /** The group's committed offset of a partition: the offset of the next record to handle. */
  synchronized OptionalLong committedOffset(TopicPartition partition) {
    Long committed = groupOffsets.get(partition);
    return committed == null ? OptionalLong.empty() : OptionalLong.of(committed);
  }

  /** While true, every commit fails as a commit to an unreachable coordinator does. */
  synchronized void rejectCommits(boolean rejecting) {
    this.rejectingCommits = rejecting;
  }

  synchronized int rejectedCommits() {
    return rejectedCommits;
  }

  // A poll may return nothing before its timeout: a wake-up, spurious or not, only ends it early.
  @SuppressWarnings("WaitNotInLoop")
  @Override
  public synchronized ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
    polls++;
    feedFromPositions();
    ConsumerRecords<byte[], byte[]> records = super.poll(timeout);
    if (records.isEmpty()) {
      try {
        wait(Math.max(1, timeout.toMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return records;
  }

  @Override
  public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
    commit(offsets);
  }

  @Override
  public synchronized void commitSync(
      Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
    commit(offsets);
  }

  // Answered at once, as MockConsumer's own does; a coordinator's answer comes in a later poll.
  @Override
  public synchronized void commitAsync(
      Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
    try {
      commit(offsets);
    } catch (TimeoutException e) {
      callback.onComplete(offsets, new RetriableCommitFailedException(e));
      return;
    }
    callback.onComplete(offsets, null);
  }

  private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    if (rejectingCommits) {
      rejectedCommits++;
      throw new TimeoutException("commit rejected by the test");
    }
    // MockConsumer's commitSync is its commitAsync without a callback.
    super.commitAsync(offsets, null);
    offsets.forEach((partition, offset) -> groupOffsets.put(partition, offset.offset()));
  }

  @Override
  public synchronized void wakeup() {
    super.wakeup();
    notifyAll();
  }

  private void feedFromPositions() {
    for (TopicPartition partition : assignment()) {
      if (paused().contains(partition)) {
        continue;
      }
      long position = position(partition);
      for (ConsumerRecord<byte[], byte[]> record : log.getOrDefault(partition, List.of())) {
        if (record.offset() >= position) {
          addRecord(record);
        }
      }
    }
  }
}
