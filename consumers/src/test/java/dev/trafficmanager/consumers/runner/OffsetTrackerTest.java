package dev.trafficmanager.consumers.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
  private static final TopicPartition P0 = new TopicPartition("route-changes", 0);
  private static final TopicPartition P1 = new TopicPartition("route-changes", 1);

  private final OffsetTracker offsets = new OffsetTracker();

  @Test
  void commitsTheOffsetAfterTheLastSettledRecordOfEachPartition() {
    offsets.settle(record(P0, 4));
    offsets.settle(record(P0, 5));
    offsets.settle(record(P1, 0));

    assertThat(offsets.toCommit())
        .containsOnly(
            Map.entry(P0, new OffsetAndMetadata(6, java.util.Optional.empty(), "")),
            Map.entry(P1, new OffsetAndMetadata(1, java.util.Optional.empty(), "")));
  }

  @Test
  void whatWasCommittedIsNotCommittedAgainAndAFailedCommitIsKept() {
    offsets.settle(record(P0, 4));
    Map<TopicPartition, OffsetAndMetadata> first = offsets.toCommit();

    offsets.committed(first);
    assertThat(offsets.isEmpty()).isTrue();

    offsets.settle(record(P0, 5));
    offsets.toCommit(); // a commit that failed: nothing reported committed
    assertThat(offsets.toCommit()).containsKey(P0);
  }

  @Test
  void aRevokedPartitionsOffsetsAreCommittedAloneAndThenForgotten() {
    offsets.settle(record(P0, 4));
    offsets.settle(record(P1, 9));

    assertThat(offsets.toCommit(List.of(P1))).containsOnlyKeys(P1);
    offsets.forget(List.of(P1));

    assertThat(offsets.toCommit()).containsOnlyKeys(P0);
  }

  private static ConsumerRecord<byte[], byte[]> record(TopicPartition partition, long offset) {
    return new ConsumerRecord<>(partition.topic(), partition.partition(), offset, null, null);
  }
}
