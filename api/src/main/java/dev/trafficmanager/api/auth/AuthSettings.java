package dev.trafficmanager.api.auth;

import dev.trafficmanager.config.InvalidSettingException;
import dev.trafficmanager.config.Settings;
import java.time.Duration;

/**
 * How the API authenticates callers.
 *
 * @param tokens whether requests need a bearer token ({@value #AUTH}: {@code tokens}, the default,
 *     or {@code off})
 * @param resolveOpen whether resolve answers without a token ({@value #AUTH_RESOLVE}: {@code
 *     required}, the default, or {@code open})
 * @param cacheTtl how long an API instance trusts what it read about a token ({@value
 *     #AUTH_CACHE_TTL}, 5 s): the longest a revoked token may still be accepted by an instance that
 *     saw it just before
 */
public record AuthSettings(boolean tokens, boolean resolveOpen, Duration cacheTtl) {
  public static final String AUTH = "TM_AUTH";
  public static final String AUTH_RESOLVE = "TM_AUTH_RESOLVE";
  public static final String AUTH_CACHE_TTL = "TM_AUTH_CACHE_TTL";

  public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(5);

  /** Reads the settings, throwing an InvalidSettingException naming the first bad one. */
  public static AuthSettings from(Settings settings) {
    return new AuthSettings(
        choice(settings, AUTH, "tokens", "off"),
        !choice(settings, AUTH_RESOLVE, "required", "open"),
        settings.duration(AUTH_CACHE_TTL, DEFAULT_CACHE_TTL, Duration.ZERO, Duration.ofMinutes(1)));
  }

  /** True for {@code first} (the default), false for {@code second}. */
  private static boolean choice(Settings settings, String name, String first, String second) {
    String value = settings.string(name, first);
    if (value.equals(first)) {
      return true;
    }
    if (value.equals(second)) {
      return false;
    }
    throw new InvalidSettingException(name, value, "expected " + first + " or " + second);
  }
}
