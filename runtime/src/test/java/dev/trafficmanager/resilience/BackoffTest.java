package dev.trafficmanager.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BackoffTest {
  private static final Duration BASE = Duration.ofMillis(100);
  private static final Duration MAX = Duration.ofSeconds(5);

  @Test
  void ceilingDoublesFromTheBaseUpToTheMaximum() {
    Backoff backoff = new Backoff(BASE, MAX, () -> 0.5);

    assertThat(
            java.util.stream.IntStream.range(0, 8)
                .mapToObj(backoff::ceiling)
                .map(Duration::toMillis))
        .containsExactly(100L, 200L, 400L, 800L, 1_600L, 3_200L, 5_000L, 5_000L);
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, 0.25, 0.5, 0.999_999_999})
  void fullJitterStaysWithinZeroAndTheCeiling(double random) {
    Backoff backoff = new Backoff(BASE, MAX, () -> random);

    for (int attempt = 0; attempt < 100; attempt++) {
      long ceiling = Math.min(MAX.toNanos(), BASE.toNanos() * (1L << Math.min(attempt, 20)));
      assertThat(backoff.delay(attempt)).isBetween(Duration.ZERO, Duration.ofNanos(ceiling));
    }
  }

  @Test
  void theWaitIsTheRandomShareOfTheCeiling() {
    assertThat(new Backoff(BASE, MAX, () -> 0.0).delay(3)).isEqualTo(Duration.ZERO);
    assertThat(new Backoff(BASE, MAX, () -> 0.5).delay(3)).isEqualTo(Duration.ofMillis(400));
    assertThat(new Backoff(BASE, MAX, () -> 0.999).delay(10)).isEqualTo(Duration.ofMillis(4_995));
  }

  @Test
  void aZeroBaseNeverWaits() {
    Backoff backoff = new Backoff(Duration.ZERO, MAX, () -> 0.9);

    assertThat(backoff.delay(0)).isZero();
    assertThat(backoff.delay(62)).isZero();
  }

  @Test
  void veryLateAttemptsWaitAtMostTheMaximumWithoutOverflowing() {
    Backoff backoff = new Backoff(BASE, MAX, () -> 0.5);

    assertThat(backoff.ceiling(63)).isEqualTo(MAX);
    assertThat(backoff.ceiling(Integer.MAX_VALUE)).isEqualTo(MAX);
    assertThat(backoff.delay(1_000)).isEqualTo(MAX.dividedBy(2));
  }

  @Test
  void refusesAMaximumBelowTheBaseAndNegativeAttempts() {
    assertThatThrownBy(() -> new Backoff(MAX, BASE, () -> 0.5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(BASE, MAX, () -> 0.5).delay(-1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theDefaultRandomSourceStaysWithinTheCeiling() {
    Backoff backoff = new Backoff(BASE, MAX);

    for (int i = 0; i < 1_000; i++) {
      assertThat(backoff.delay(2)).isBetween(Duration.ZERO, Duration.ofMillis(400));
    }
  }
}
