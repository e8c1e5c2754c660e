package dev.trafficmanager.api.resolve;

import dev.trafficmanager.api.routes.Route;
import dev.trafficmanager.api.routes.RouteReader;
import dev.trafficmanager.route.RouteKey;
import java.util.Optional;

/**
 * Resolves a route to its URL, cache-aside: the Redis answer when there is one, otherwise
 * PostgreSQL's, which is then cached. Redis being slow or down never fails a resolve; PostgreSQL
 * being down does (the caller maps that to 503).
 */
public final class Resolver {
  private final RouteCache cache;
  private final RouteReader routes;

  public Resolver(RouteCache cache, RouteReader routes) {
    this.cache = cache;
    this.routes = routes;
  }

  /** The route's URL and revision, or empty when the route is unknown or inactive. */
  public Optional<Resolution> resolve(RouteKey key) {
    CacheRead cached = cache.read(key);
    if (cached instanceof CacheRead.Hit hit) {
      return hit.resolution();
    }
    Optional<Resolution> fresh =
        routes.find(key).filter(Route::active).map(r -> new Resolution(r.url(), r.revision()));
    if (cached instanceof CacheRead.Miss) {
      cache.write(key, fresh);
    }
    return fresh;
  }
}
