package dev.trafficmanager.resilience;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter: the wait before retry {@code n} (counting from 0) is drawn
 * uniformly from {@code [0, min(max, base * 2^n))}. Full jitter spreads clients that failed
 * together over the whole interval, which is what keeps them from retrying together (see
 * "Exponential Backoff And Jitter", AWS Architecture Blog, 2015).
 *
 * <p>Stateless and thread-safe when its random source is: counting attempts, and starting again
 * from 0 after a success, is the caller's business.
 */
public final class Backoff {
  private final Duration base;
  private final Duration max;
  private final DoubleSupplier random;

  /**
   * @param base the ceiling of the first wait; zero means never wait
   * @param max the largest ceiling, at least {@code base}
   * @param random values in {@code [0, 1)}
   * @throws IllegalArgumentException unless {@code 0 <= base <= max}
   */
  public Backoff(Duration base, Duration max, DoubleSupplier random) {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(max, "max");
    if (base.isNegative() || max.compareTo(base) < 0) {
      throw new IllegalArgumentException("need 0 <= base <= max, got " + base + " and " + max);
    }
    this.base = base;
    this.max = max;
    this.random = Objects.requireNonNull(random, "random");
  }

  /** A backoff drawing from the calling thread's {@link ThreadLocalRandom}. */
  public Backoff(Duration base, Duration max) {
    this(base, max, () -> ThreadLocalRandom.current().nextDouble());
  }

  /**
   * The wait before retry {@code attempt}: in {@code [0, ceiling(attempt))}, or zero if the ceiling
   * is zero.
   *
   * @param attempt 0 before the first retry, 1 before the second, …
   */
  public Duration delay(int attempt) {
    return Duration.ofNanos((long) (random.getAsDouble() * ceilingNanos(attempt)));
  }

  /** {@code min(max, base * 2^attempt)}, the bound {@link #delay(int)} stays below. */
  public Duration ceiling(int attempt) {
    return Duration.ofNanos(ceilingNanos(attempt));
  }

  private long ceilingNanos(int attempt) {
    if (attempt < 0) {
      throw new IllegalArgumentException("attempt must not be negative: " + attempt);
    }
    long baseNanos = base.toNanos();
    long maxNanos = max.toNanos();
    // base * 2^attempt > max exactly when base > max / 2^attempt; shifting never overflows.
    if (attempt >= Long.SIZE - 1 || baseNanos > maxNanos >> attempt) {
      return maxNanos;
    }
    return baseNanos << attempt;
  }
}
