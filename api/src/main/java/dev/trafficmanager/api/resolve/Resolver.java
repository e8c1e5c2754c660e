package dev.trafficmanager.api.resolve;

import dev.trafficmanager.api.routes.RouteReader;
import dev.trafficmanager.route.CacheEntry;
import dev.trafficmanager.route.RouteKey;
import java.util.Optional;

/**
 * Resolves a route to its URL, cache-aside: the Redis answer when there is one, otherwise
 * PostgreSQL's, which is then cached with its revision (an inactive route as a negative entry of
 * its revision, an unknown route as a negative entry of revision 0). Redis being slow or down never
 * fails a resolve; PostgreSQL being down fails only the resolves the cache cannot answer (the
 * caller maps that to 503).
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
      return resolution(hit.entry());
    }
    CacheEntry fresh =
        routes
            .find(key)
            .map(
                route ->
                    route.active()
                        ? CacheEntry.resolving(route.url(), route.revision())
                        : CacheEntry.missing(route.revision()))
            .orElse(CacheEntry.missing(0));
    if (cached instanceof CacheRead.Miss) {
      cache.write(key, fresh);
    }
    return resolution(fresh);
  }

  private static Optional<Resolution> resolution(CacheEntry entry) {
    return entry.url().map(url -> new Resolution(url, entry.revision()));
  }
}
