package dev.trafficmanager.api.outbox;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Bounded exponential back-off with "equal jitter": the n-th consecutive failure waits between half
 * and all of {@code min(max, initial * 2^(n-1))}. The floor keeps retries from collapsing to zero;
 * the jitter keeps relays that failed together from retrying together.
 */
final class Backoff {
  private static final int MAX_DOUBLINGS = 30;

  private final Duration initial;
  private final Duration max;
  private final DoubleSupplier random;
  private int failures;

  /**
   * @param random values in {@code [0, 1)}
   */
  Backoff(Duration initial, Duration max, DoubleSupplier random) {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("need 0 < initial <= max, got " + initial + ", " + max);
    }
    this.initial = initial;
    this.max = max;
    this.random = random;
  }

  /** The pause after one more consecutive failure. */
  Duration next() {
    int doublings = Math.min(failures, MAX_DOUBLINGS);
    failures++;
    long ceiling = Math.min(max.toMillis(), initial.toMillis() << doublings);
    long half = ceiling / 2;
    return Duration.ofMillis(half + (long) (random.getAsDouble() * (ceiling - half)));
  }

  /** After a success the next failure starts from the initial pause again. */
  void reset() {
    failures = 0;
  }
}
