package dev.trafficmanager.app.operate.offsets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PartitionResetTest {
  private static final TopicPartition P0 = new TopicPartition("route-changes", 0);

  @Test
  void movingBackReplaysWhatLiesBetween() {
    PartitionReset reset = new PartitionReset(P0, OptionalLong.of(10), 4, 0, 10);

    assertThat(reset.recordsToReplay()).isEqualTo(6);
    assertThat(reset.recordsSkipped()).isZero();
  }

  @Test
  void movingForwardSkips() {
    PartitionReset reset = new PartitionReset(P0, OptionalLong.of(3), 8, 0, 10);

    assertThat(reset.recordsToReplay()).isZero();
    assertThat(reset.recordsSkipped()).isEqualTo(5);
  }

  @Test
  void aGroupWithoutACommittedOffsetReplaysNothing() {
    PartitionReset reset = new PartitionReset(P0, OptionalLong.empty(), 0, 0, 10);

    assertThat(reset.recordsToReplay()).isZero();
    assertThat(reset.recordsSkipped()).isZero();
  }
}
