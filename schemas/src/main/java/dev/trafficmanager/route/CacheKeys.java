package dev.trafficmanager.route;

import java.util.Objects;

/**
 * The Redis names of the resolve cache: entries under {@code <prefix>route:<tenant/service/env/
 * version>}, and invalidations published on the channel {@code <prefix>route-invalidations}. The
 * prefix ({@code tm:} by default) lets several deployments, or tests, share one Redis.
 */
public record CacheKeys(String prefix) {
  public static final String DEFAULT_PREFIX = "tm:";

  public CacheKeys {
    Objects.requireNonNull(prefix, "prefix");
  }

  public String route(RouteKey key) {
    return prefix + "route:" + key;
  }

  /** The pub/sub channel of {@link RouteInvalidation} messages. */
  public String invalidations() {
    return prefix + "route-invalidations";
  }
}
