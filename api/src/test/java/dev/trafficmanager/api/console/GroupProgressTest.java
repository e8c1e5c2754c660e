package dev.trafficmanager.api.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trafficmanager.api.console.GroupProgress.Kind;
import dev.trafficmanager.api.console.GroupProgress.Progress;
import dev.trafficmanager.time.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class GroupProgressTest {
  private static final String GROUP = "tm-audit-log";
  private static final TopicPartition P0 = new TopicPartition("route-changes", 0);
  private static final TopicPartition P1 = new TopicPartition("route-changes", 1);
  private static final Progress MOVING = new Progress(Kind.MOVING, null);
  private static final Progress IDLE = new Progress(Kind.IDLE, null);

  private final MutableClock clock = new MutableClock();
  private final GroupProgress progress =
      new GroupProgress(Set.of(GROUP), Duration.ofSeconds(30), clock);

  @Test
  void aGroupWhoseOffsetsAdvanceWithLagIsMoving() {
    assertThat(progress.observe(GROUP, Map.of(P0, 10L, P1, 4L), 7)).isEqualTo(MOVING);
    clock.advance(Duration.ofSeconds(40));

    assertThat(progress.observe(GROUP, Map.of(P0, 12L, P1, 4L), 5)).isEqualTo(MOVING);
  }

  @Test
  void aGroupWithoutLagIsIdleHoweverLongItsOffsetsStandStill() {
    assertThat(committed(10, 0)).isEqualTo(IDLE);

    assertThat(after(Duration.ofMinutes(10), 10, 0)).isEqualTo(IDLE);
  }

  @Test
  void offsetsStandingStillWithLagAreStalledOnceTheThresholdPassed() {
    Instant first = clock.instant();
    committed(10, 3);
    assertThat(after(Duration.ofSeconds(29), 10, 3)).isEqualTo(MOVING);

    assertThat(after(Duration.ofSeconds(1), 10, 5)).isEqualTo(new Progress(Kind.STALLED, first));
    assertThat(after(Duration.ofSeconds(15), 10, 5)).isEqualTo(new Progress(Kind.STALLED, first));
  }

  @Test
  void aStalledGroupThatCommitsAgainIsMovingAndItsStallClockStartsOver() {
    committed(10, 3);
    assertThat(after(Duration.ofMinutes(1), 10, 3).kind()).isEqualTo(Kind.STALLED);

    assertThat(committed(11, 2)).isEqualTo(MOVING);
    assertThat(after(Duration.ofSeconds(29), 11, 2)).isEqualTo(MOVING);
    assertThat(after(Duration.ofSeconds(1), 11, 2).kind()).isEqualTo(Kind.STALLED);
  }

  @Test
  void aGroupIdleForLongIsNotStalledTheMomentARecordArrives() {
    committed(10, 0);

    assertThat(after(Duration.ofMinutes(10), 10, 1)).isEqualTo(MOVING);
    assertThat(after(Duration.ofSeconds(30), 10, 1).kind()).isEqualTo(Kind.STALLED);
  }

  @Test
  void aForgottenGroupIsWatchedAfresh() {
    committed(10, 3);
    clock.advance(Duration.ofMinutes(1));
    progress.forget(GROUP);

    assertThat(committed(10, 3)).isEqualTo(MOVING);
  }

  @Test
  void onlyThePipelinesGroupsAreRemembered() {
    assertThatThrownBy(() -> progress.observe("someone-else", Map.of(P0, 1L), 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("someone-else");
  }

  @Test
  void eachKindHasItsWireName() {
    assertThat(Kind.STALLED.wireName()).isEqualTo("stalled");
  }

  /** Observes the group at {@code offset} on partition 0 with {@code waiting} records after it. */
  private Progress committed(long offset, long waiting) {
    return progress.observe(GROUP, Map.of(P0, offset), waiting);
  }

  private Progress after(Duration elapsed, long offset, long waiting) {
    clock.advance(elapsed);
    return committed(offset, waiting);
  }
}
