package dev.trafficmanager.route;

import java.util.Objects;

/**
 * The Redis key format of the resolve cache: {@code <prefix>route:<tenant/service/env/version>}.
 * The prefix ({@code tm:} by default) lets several deployments, or tests, share one Redis.
 */
public record CacheKeys(String prefix) {
  public static final String DEFAULT_PREFIX = "tm:";

  public CacheKeys {
    Objects.requireNonNull(prefix, "prefix");
  }

  public String route(RouteKey key) {
    return prefix + "route:" + key;
  }
}
