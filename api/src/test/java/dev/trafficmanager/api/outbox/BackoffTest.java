package dev.trafficmanager.api.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void doublesUpToTheBoundWhenJitterIsAtItsTop() {
    Backoff backoff =
        new Backoff(Duration.ofMillis(100), Duration.ofMillis(1_000), () -> 0.999_999);

    List<Long> pauses = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      pauses.add(backoff.next().toMillis());
    }

    assertThat(pauses).containsExactly(99L, 199L, 399L, 799L, 999L, 999L, 999L, 999L);
  }

  @Test
  void jitterNeverGoesBelowHalfTheStep() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1_000), () -> 0.0);

    assertThat(backoff.next()).isEqualTo(Duration.ofMillis(50));
    assertThat(backoff.next()).isEqualTo(Duration.ofMillis(100));
    assertThat(backoff.next()).isEqualTo(Duration.ofMillis(200));
  }

  @Test
  void startsOverAfterASuccess() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), () -> 0.0);
    backoff.next();
    backoff.next();
    backoff.next();

    backoff.reset();

    assertThat(backoff.next()).isEqualTo(Duration.ofMillis(50));
  }

  @Test
  void staysBoundedAfterManyFailures() {
    Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), () -> 0.5);

    Duration last = Duration.ZERO;
    for (int i = 0; i < 1_000; i++) {
      last = backoff.next();
    }

    assertThat(last).isBetween(Duration.ofSeconds(15), Duration.ofSeconds(30));
  }
}
