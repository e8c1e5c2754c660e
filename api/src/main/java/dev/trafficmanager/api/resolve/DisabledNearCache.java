package dev.trafficmanager.api.resolve;

import dev.trafficmanager.route.CacheEntry;
import dev.trafficmanager.route.RouteKey;

/** The near cache of {@code TM_NEAR_CACHE_TTL=0}: every resolve goes to Redis. */
final class DisabledNearCache implements NearCache {
  @Override
  public CacheEntry get(RouteKey route, Loader loader) {
    return loader.load(0);
  }

  @Override
  public void invalidate(RouteKey route, long revision) {}

  @Override
  public void clear() {}
}
