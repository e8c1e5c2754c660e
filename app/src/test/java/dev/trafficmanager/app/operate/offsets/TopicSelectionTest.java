package dev.trafficmanager.app.operate.offsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class TopicSelectionTest {

  @Test
  void aTopicAloneMeansEveryPartition() {
    assertThat(TopicSelection.parse("route-changes"))
        .isEqualTo(new TopicSelection("route-changes", Set.of()));
  }

  @Test
  void partitionsFollowAColon() {
    assertThat(TopicSelection.parse("route-changes:0, 2"))
        .isEqualTo(new TopicSelection("route-changes", Set.of(0, 2)));
  }

  @Test
  void badPartitionsAndMissingTopicsAreRefused() {
    assertThatThrownBy(() -> TopicSelection.parse("route-changes:a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("route-changes:a");
    assertThatThrownBy(() -> TopicSelection.parse("route-changes:-1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TopicSelection.parse(":0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("names no topic");
  }
}
