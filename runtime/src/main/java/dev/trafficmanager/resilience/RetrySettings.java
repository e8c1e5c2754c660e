package dev.trafficmanager.resilience;

import dev.trafficmanager.config.InvalidSettingException;
import dev.trafficmanager.config.Settings;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link Resilience#call} retries one request: at most {@code maxAttempts} attempts in all (the
 * first included), waiting a {@link Backoff} of {@code backoffBase} doubling up to {@code
 * backoffMax} between them. Defaults: 3 attempts, 50 ms, 1 s — short, because a caller is waiting.
 */
public record RetrySettings(int maxAttempts, Duration backoffBase, Duration backoffMax) {
  public static final String MAX_ATTEMPTS = "TM_RETRY_MAX_ATTEMPTS";
  public static final String BACKOFF_BASE = "TM_RETRY_BACKOFF_BASE";
  public static final String BACKOFF_MAX = "TM_RETRY_BACKOFF_MAX";

  public static final RetrySettings DEFAULTS =
      new RetrySettings(3, Duration.ofMillis(50), Duration.ofSeconds(1));

  public RetrySettings {
    Objects.requireNonNull(backoffBase, "backoffBase");
    Objects.requireNonNull(backoffMax, "backoffMax");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1: " + maxAttempts);
    }
    if (backoffBase.isNegative() || backoffMax.compareTo(backoffBase) < 0) {
      throw new IllegalArgumentException(
          "need 0 <= backoffBase <= backoffMax, got " + backoffBase + " and " + backoffMax);
    }
  }

  /**
   * @throws InvalidSettingException naming the variable out of range
   */
  public static RetrySettings from(Settings settings) {
    Duration base =
        settings.duration(BACKOFF_BASE, DEFAULTS.backoffBase, Duration.ZERO, Duration.ofMinutes(1));
    Duration max =
        settings.duration(BACKOFF_MAX, DEFAULTS.backoffMax, Duration.ZERO, Duration.ofHours(1));
    if (max.compareTo(base) < 0) {
      throw new InvalidSettingException(
          BACKOFF_MAX,
          Settings.format(max),
          "expected at least " + BACKOFF_BASE + " (" + Settings.format(base) + ")");
    }
    return new RetrySettings(
        settings.integer(MAX_ATTEMPTS, DEFAULTS.maxAttempts, 1, 10), base, max);
  }
}
