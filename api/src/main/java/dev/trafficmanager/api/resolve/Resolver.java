package dev.trafficmanager.api.resolve;

import dev.trafficmanager.api.routes.RouteReader;
import dev.trafficmanager.route.CacheEntry;
import dev.trafficmanager.route.RouteKey;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import java.util.Optional;

/**
 * Resolves a route to its URL through three tiers: the in-process {@link NearCache}, then Redis
 * (cache-aside), then PostgreSQL, whose answer is cached in both with its revision (an inactive
 * route as a negative entry of its revision, an unknown route as a negative entry of revision 0). A
 * Redis entry older than the near cache's floor for the route (it has heard of a newer revision)
 * counts as stale: PostgreSQL answers and its answer replaces the entry.
 *
 * <p>Redis being slow or down never fails a resolve; PostgreSQL being down fails only the resolves
 * neither cache can answer (the caller maps that to 503).
 *
 * <p>Only loads, the resolves that go to Redis or PostgreSQL, take a place in the {@code reads}
 * bulkhead: an answer from memory does no I/O and holds nothing the bulkhead protects, so it never
 * waits for a place nor is refused one. Concurrent loads of one route are one load (see {@link
 * NearCache#get}), which takes one place.
 */
public final class Resolver {
  private final NearCache nearCache;
  private final RouteCache cache;
  private final RouteReader routes;
  private final Bulkhead loads;

  /**
   * @param loads the bulkhead that loads from Redis and PostgreSQL run in
   */
  public Resolver(NearCache nearCache, RouteCache cache, RouteReader routes, Bulkhead loads) {
    this.nearCache = nearCache;
    this.cache = cache;
    this.routes = routes;
    this.loads = loads;
  }

  /**
   * The route's URL and revision, or empty when the route is unknown or inactive.
   *
   * @throws BulkheadFullException when the answer must be loaded and the bulkhead has no place
   */
  public Optional<Resolution> resolve(RouteKey key) {
    CacheEntry entry =
        nearCache.get(
            key,
            new NearCache.Loader() {
              @Override
              public CacheEntry load(long floor) {
                return loads.executeSupplier(() -> Resolver.this.load(key, floor));
              }

              @Override
              public CacheEntry refresh(long floor) {
                // The answer in memory is still good: a reload ahead never queues for a place.
                if (loads.getMetrics().getAvailableConcurrentCalls() == 0) {
                  throw BulkheadFullException.createBulkheadFullException(loads);
                }
                return load(floor);
              }
            });
    return entry.url().map(url -> new Resolution(url, entry.revision()));
  }

  private CacheEntry load(RouteKey key, long floor) {
    CacheRead cached = cache.read(key);
    if (cached instanceof CacheRead.Hit hit && hit.entry().revision() >= floor) {
      return hit.entry();
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
    if (!(cached instanceof CacheRead.Unavailable)) {
      cache.write(key, fresh);
    }
    return fresh;
  }
}
