package dev.trafficmanager.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Bounded exponential backoff with full jitter, so that many clients of an instance that went away
 * do not all come back at the same moment: the n-th pause in a row is uniform in [0, min(max,
 * initial·2ⁿ)]. Used by one thread.
 */
final class Backoff {
  private final long initialMillis;
  private final long maxMillis;
  private int failures;

  Backoff(Duration initial, Duration max) {
    this.initialMillis = Math.max(1, initial.toMillis());
    this.maxMillis = Math.max(initialMillis, max.toMillis());
  }

  /** The pause before the next attempt, after one more failure. */
  Duration next() {
    long ceiling = initialMillis << Math.min(failures, 20);
    failures++;
    long bound = Math.min(maxMillis, ceiling);
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(bound + 1));
  }

  void reset() {
    failures = 0;
  }
}
