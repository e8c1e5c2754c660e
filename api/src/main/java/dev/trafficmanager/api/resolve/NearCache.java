package dev.trafficmanager.api.resolve;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.trafficmanager.route.CacheEntry;
import dev.trafficmanager.route.RouteKey;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ForkJoinPool;

/**
 * The in-process tier of resolve, in front of Redis: a bounded map from route to {@link CacheEntry}
 * (positive or negative) in which every answer lives at most the TTL counted from the moment its
 * load began, so that however many invalidations are lost, it is never staler than that.
 *
 * <p>Revision-aware, like the Redis writer's "set if not older": {@link #invalidate} of revision
 * {@code r} drops older answers and leaves a <em>floor</em> for the route (living one TTL), so a
 * load that read an older revision before the invalidation arrived cannot put it back, and the next
 * load is told not to accept anything older than {@code r} from Redis; a load never replaces a
 * newer answer. Thread-safe; each change to one route is atomic.
 */
public interface NearCache {
  /**
   * Answers from memory, or calls {@code loader} (on the caller's thread, holding no lock) and
   * keeps its answer unless a newer one, a newer floor or a {@link #clear()} came in meanwhile.
   *
   * <p>An answer in the last part of its TTL may be reloaded ahead: the first lookup to see it
   * there calls {@code loader} (with the answer's revision as the floor) and answers the reload, or
   * the answer if the reload failed; the other lookups are answered from memory meanwhile.
   *
   * <p>Concurrent lookups of one route that miss may share one load: one caller runs its loader,
   * the others wait for that answer (and throw what it threw) instead of calling theirs. A caller
   * only joins a load that began after the route's last {@link #invalidate} and {@link #clear()}
   * and was given a floor at least as high as its own, so the answer it gets is one its own load
   * could have given.
   *
   * @return the cached answer, or the (possibly shared) loader's
   * @throws RuntimeException whatever the loader throws; nothing is cached then
   */
  CacheEntry get(RouteKey route, Loader loader);

  /**
   * Says that the route changed at {@code revision}: an answer of an older revision is dropped and
   * no load of an older revision is kept for the next TTL. Never blocks.
   */
  void invalidate(RouteKey route, long revision);

  /** Drops everything, and whatever loads in flight would bring back: invalidations were missed. */
  void clear();

  /** Loads a route's answer from the tiers behind the near cache. */
  @FunctionalInterface
  interface Loader {
    /**
     * @param floor the oldest revision that may be answered (0 if any may): an answer of an older
     *     revision is known to be stale, wherever it is cached
     */
    CacheEntry load(long floor);

    /**
     * Loads an answer that is still served from memory, ahead of its expiry. Nobody waits for it
     * but the lookup that runs it, so it may refuse to wait for anything (a bulkhead place) by
     * throwing; the answer in memory is used then.
     *
     * @param floor as for {@link #load}
     */
    default CacheEntry refresh(long floor) {
      return load(floor);
    }
  }

  /**
   * A Caffeine-backed near cache with the process's clock, metered as {@code
   * tm_resolve_near_cache_requests_total{result=hit|negative_hit|miss|coalesced|refresh}} ({@code
   * miss}: a load ran; {@code coalesced}: the lookup waited for another's load; {@code refresh}: an
   * answer in the last quarter of its TTL was reloaded ahead) and {@code
   * tm_resolve_near_cache_size}; or, when the TTL is zero, one that always loads and meters
   * nothing.
   */
  static NearCache create(NearCacheSettings settings, MeterRegistry meters) {
    return settings.enabled()
        ? new CaffeineNearCache(
            settings,
            meters,
            Ticker.systemTicker(),
            ForkJoinPool.commonPool(),
            settings.ttl().dividedBy(CaffeineNearCache.REFRESH_AHEAD_DIVISOR))
        : new DisabledNearCache();
  }
}
