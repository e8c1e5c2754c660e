package dev.trafficmanager.resilience;

import dev.trafficmanager.config.Settings;
import java.time.Duration;
import java.util.Objects;

/**
 * The size of every {@link RetryBudget}, in Finagle's terms: retries may add up to {@code
 * percentCanRetry} percent of the requests made within the last {@code ttl}, plus {@code
 * minRetriesPerSecond} retries a second however little traffic there is. Defaults: 20 %, 10 s,
 * 10/s.
 */
public record RetryBudgetSettings(int percentCanRetry, Duration ttl, int minRetriesPerSecond) {
  public static final String PERCENT = "TM_RETRY_BUDGET_PERCENT";
  public static final String TTL = "TM_RETRY_BUDGET_TTL";
  public static final String MIN_PER_SECOND = "TM_RETRY_BUDGET_MIN_PER_SECOND";

  public static final RetryBudgetSettings DEFAULTS =
      new RetryBudgetSettings(20, Duration.ofSeconds(10), 10);

  /**
   * @throws IllegalArgumentException if the percent is outside {@code [0, 100]}, the window outside
   *     {@code [1 s, 60 s]} (Finagle's bounds) or the floor negative
   */
  public RetryBudgetSettings {
    Objects.requireNonNull(ttl, "ttl");
    if (percentCanRetry < 0 || percentCanRetry > 100) {
      throw new IllegalArgumentException("percentCanRetry must be 0..100: " + percentCanRetry);
    }
    if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(Duration.ofSeconds(60)) > 0) {
      throw new IllegalArgumentException("ttl must be from 1 s to 60 s: " + ttl);
    }
    if (minRetriesPerSecond < 0) {
      throw new IllegalArgumentException(
          "minRetriesPerSecond must be >= 0: " + minRetriesPerSecond);
    }
  }

  /**
   * @throws dev.trafficmanager.config.InvalidSettingException naming the variable out of range
   */
  public static RetryBudgetSettings from(Settings settings) {
    return new RetryBudgetSettings(
        settings.integer(PERCENT, DEFAULTS.percentCanRetry, 0, 100),
        settings.duration(TTL, DEFAULTS.ttl, Duration.ofSeconds(1), Duration.ofSeconds(60)),
        settings.integer(MIN_PER_SECOND, DEFAULTS.minRetriesPerSecond, 0, 100_000));
  }
}
