package dev.trafficmanager.api.resolve;

import dev.trafficmanager.config.InvalidSettingException;
import dev.trafficmanager.config.Settings;
import java.time.Duration;

/**
 * How much the API's in-process near cache holds and for how long.
 *
 * @param maximumSize the most routes (answers and invalidation floors) it holds; beyond that the
 *     least useful are evicted
 * @param ttl the longest an answer is served from memory: the staleness bound of the near cache
 *     when invalidations are lost; zero disables the near cache (and its subscription) entirely
 */
public record NearCacheSettings(int maximumSize, Duration ttl) {
  public static final String SIZE = "TM_NEAR_CACHE_SIZE";
  public static final String TTL = "TM_NEAR_CACHE_TTL";

  static final int MAX_SIZE = 10_000_000;
  static final Duration MAX_TTL = Duration.ofHours(1);

  public static final NearCacheSettings DEFAULTS =
      new NearCacheSettings(10_000, Duration.ofSeconds(5));

  /**
   * @throws InvalidSettingException naming the variable of a size outside 1..10000000 or a TTL
   *     outside 0..1h
   */
  public NearCacheSettings {
    if (maximumSize < 1 || maximumSize > MAX_SIZE) {
      throw new InvalidSettingException(
          SIZE, String.valueOf(maximumSize), "expected an integer from 1 to " + MAX_SIZE);
    }
    if (ttl == null || ttl.isNegative() || ttl.compareTo(MAX_TTL) > 0) {
      throw new InvalidSettingException(
          TTL, String.valueOf(ttl), "expected a duration from 0s to " + Settings.format(MAX_TTL));
    }
  }

  /** Reads the settings, throwing an InvalidSettingException naming the first bad one. */
  public static NearCacheSettings from(Settings settings) {
    return new NearCacheSettings(
        settings.integer(SIZE, DEFAULTS.maximumSize, 1, MAX_SIZE),
        settings.duration(TTL, DEFAULTS.ttl, Duration.ZERO, MAX_TTL));
  }

  /** False when the TTL is zero: resolve then goes straight to Redis. */
  public boolean enabled() {
    return !ttl.isZero();
  }
}
