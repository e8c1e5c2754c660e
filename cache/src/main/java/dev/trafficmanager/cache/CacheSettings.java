package dev.trafficmanager.cache;

import dev.trafficmanager.config.InvalidSettingException;
import dev.trafficmanager.config.Settings;
import java.time.Duration;
import java.util.Objects;

/**
 * How long the resolve cache keeps an entry, for every writer of it (the API's cache-aside fill,
 * the cache-warming consumer): {@code ttl} for a route that resolves, {@code negativeTtl} for one
 * that is unknown or inactive. Both bound how stale the cache can be if every invalidation is lost.
 * Defaults (design brief): 60 s and 10 s.
 */
public record CacheSettings(Duration ttl, Duration negativeTtl) {
  public static final String TTL = "TM_CACHE_TTL";
  public static final String NEGATIVE_TTL = "TM_CACHE_NEGATIVE_TTL";

  public static final CacheSettings DEFAULTS =
      new CacheSettings(Duration.ofSeconds(60), Duration.ofSeconds(10));

  /**
   * @throws IllegalArgumentException unless both are at least 1 ms
   */
  public CacheSettings {
    Objects.requireNonNull(ttl, "ttl");
    Objects.requireNonNull(negativeTtl, "negativeTtl");
    if (ttl.toMillis() < 1 || negativeTtl.toMillis() < 1) {
      throw new IllegalArgumentException(
          "cache TTLs must be at least 1ms, got " + ttl + " and " + negativeTtl);
    }
  }

  /**
   * @throws InvalidSettingException naming the variable whose value is not a duration of at least 1
   *     ms
   */
  public static CacheSettings from(Settings settings) {
    return new CacheSettings(
        positive(settings, TTL, DEFAULTS.ttl),
        positive(settings, NEGATIVE_TTL, DEFAULTS.negativeTtl));
  }

  /** The TTL of an entry: {@link #ttl()} if it resolves, {@link #negativeTtl()} if not. */
  public Duration ttlOf(boolean resolves) {
    return resolves ? ttl : negativeTtl;
  }

  private static Duration positive(Settings settings, String name, Duration defaultValue) {
    // Redis rejects an expiry of zero, and an entry without expiry would break the staleness bound.
    return settings.duration(name, defaultValue, Duration.ofMillis(1), Duration.ofDays(365));
  }
}
