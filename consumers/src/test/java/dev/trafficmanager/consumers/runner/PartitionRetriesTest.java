package dev.trafficmanager.consumers.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PartitionRetriesTest {
  private static final TopicPartition P0 = new TopicPartition("route-changes", 0);
  private static final TopicPartition P1 = new TopicPartition("route-changes", 1);
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration POLL = Duration.ofMillis(500);

  private final PartitionRetries retries = new PartitionRetries();

  @Test
  void aWaitingRecordKeepsItsAttemptsAndOtherOffsetsHaveNone() {
    retries.retryAt(P0, 7, new Attempts(2, 2), NOW.plusSeconds(1));

    assertThat(retries.attemptsAt(P0, 7)).isEqualTo(new Attempts(2, 2));
    assertThat(retries.attemptsAt(P0, 8)).isEqualTo(Attempts.NONE);
    assertThat(retries.attemptsAt(P1, 7)).isEqualTo(Attempts.NONE);
    assertThat(retries.size()).isEqualTo(1);
  }

  @Test
  void onlyPartitionsWhoseRetryIsDueLaterArePausedAndThePollEndsWhenOneIsDue() {
    retries.retryAt(P0, 7, new Attempts(1, 1), NOW.plusMillis(100));
    retries.retryAt(P1, 3, new Attempts(1, 1), NOW);

    assertThat(retries.toPause(Set.of(P0, P1), NOW)).containsExactly(P0);
    assertThat(retries.pollTimeout(POLL, NOW)).isEqualTo(Duration.ofMillis(0));
    retries.settled(P1, 3);
    assertThat(retries.pollTimeout(POLL, NOW)).isEqualTo(Duration.ofMillis(100));
    assertThat(retries.toPause(Set.of(P0, P1), NOW.plusMillis(100))).isEmpty();
  }

  @Test
  void whileTheSinkRefusesEveryAssignedPartitionIsPaused() {
    assertThat(retries.waitForSink()).isTrue();
    assertThat(retries.waitForSink()).isFalse();

    assertThat(retries.toPause(Set.of(P0, P1), NOW)).containsExactlyInAnyOrder(P0, P1);
    assertThat(retries.pollTimeout(POLL, NOW)).isEqualTo(POLL);

    retries.sinkBack();
    assertThat(retries.toPause(Set.of(P0, P1), NOW)).isEmpty();
  }

  @Test
  void settlingARecordEndsItsWaitButNotAWaitOnALaterOne() {
    retries.retryAt(P0, 7, new Attempts(1, 1), NOW);

    retries.settled(P0, 6);
    assertThat(retries.size()).isEqualTo(1);
    retries.settled(P0, 7);
    assertThat(retries.size()).isZero();
  }

  @Test
  void aLostPartitionsWaitIsForgotten() {
    retries.retryAt(P0, 7, new Attempts(1, 1), NOW.plusSeconds(1));

    retries.forget(List.of(P0));

    assertThat(retries.toPause(Set.of(P0), NOW)).isEmpty();
    assertThat(retries.attemptsAt(P0, 7)).isEqualTo(Attempts.NONE);
  }
}
