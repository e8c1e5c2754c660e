package dev.trafficmanager.api;

import dev.trafficmanager.config.InvalidSettingException;
import dev.trafficmanager.config.Settings;
import java.time.Duration;

/**
 * The API's own settings: where it listens and how long the resolve cache keeps an answer. The
 * database, Redis, Kafka and outbox settings are read by their own records.
 *
 * @param httpPort the HTTP port; 0 picks any free port
 * @param cacheTtl how long Redis keeps a route that resolves
 * @param negativeCacheTtl how long Redis keeps the answer that a route is unknown or inactive
 */
public record ApiSettings(int httpPort, Duration cacheTtl, Duration negativeCacheTtl) {
  public static final String HTTP_PORT = "TM_HTTP_PORT";
  public static final String CACHE_TTL = "TM_CACHE_TTL";
  public static final String CACHE_NEGATIVE_TTL = "TM_CACHE_NEGATIVE_TTL";

  /** Reads the settings, throwing {@link InvalidSettingException} naming the first bad one. */
  public static ApiSettings from(Settings settings) {
    return new ApiSettings(
        settings.integer(HTTP_PORT, 8080, 0, 65535),
        positive(settings, CACHE_TTL, Duration.ofSeconds(60)),
        positive(settings, CACHE_NEGATIVE_TTL, Duration.ofSeconds(10)));
  }

  private static Duration positive(Settings settings, String name, Duration defaultValue) {
    Duration value = settings.duration(name, defaultValue);
    // Redis rejects an expiry of zero, and a cache entry without expiry would break the staleness
    // bound.
    if (value.toMillis() < 1) {
      throw new InvalidSettingException(
          name, settings.optional(name).orElse(""), "expected at least 1ms");
    }
    return value;
  }
}
