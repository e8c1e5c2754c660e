package dev.trafficmanager.consumers.cache;

import dev.trafficmanager.cache.CacheSettings;
import dev.trafficmanager.cache.RouteCacheWriter;
import dev.trafficmanager.consumers.runner.ChangeHandler;
import dev.trafficmanager.consumers.runner.NonRetriableException;
import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.event.RouteState;
import dev.trafficmanager.route.CacheEntry;
import dev.trafficmanager.route.CacheKeys;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a changed route's new state into the Redis resolve cache, so that reads hit a warm entry:
 * a {@link CacheEntry#resolving} entry for an active route, kept for the positive TTL, and a {@link
 * CacheEntry#missing} one for an inactive route, kept for the negative TTL (the same bound on a
 * wrong "not found" as the API's own fill).
 *
 * <p>Idempotent by revision in Redis itself: {@link RouteCacheWriter#setIfNotOlder} writes only if
 * the cached entry is not newer, atomically, so a replayed or duplicated change never takes the
 * cache back in time, whoever wrote the newer entry (this consumer or the API). Redis failures are
 * thrown for the runner to retry. Not thread-safe: one consumer thread calls it.
 */
public final class CacheWarmingHandler implements ChangeHandler, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CacheWarmingHandler.class);

  private final RedisConnection redis;
  private final CacheKeys keys;
  private final CacheSettings ttls;
  private final RouteCacheWriter writer;

  /**
   * @param redis a client whose commands time out (as {@code RedisSettings.newClient()} makes
   *     them); the caller owns it and shuts it down after closing this handler
   */
  public CacheWarmingHandler(
      RedisClient redis, CacheKeys keys, CacheSettings ttls, RouteCacheWriter writer) {
    this.redis = new RedisConnection(redis);
    this.keys = Objects.requireNonNull(keys, "keys");
    this.ttls = Objects.requireNonNull(ttls, "ttls");
    this.writer = Objects.requireNonNull(writer, "writer");
  }

  /**
   * @throws NonRetriableException if an active route has no URL: no cache entry can say where it
   *     resolves
   */
  @Override
  public void handle(RouteChange change) {
    CacheEntry entry = entryOf(change);
    String key = keys.route(change.key());
    Duration ttl = ttls.ttlOf(entry.resolves());
    boolean written = writer.setIfNotOlder(redis.commands(), key, entry, ttl);
    log.info(
        "cache entry warmed route_key={} revision={} action={} resolves={} written={}"
            + " redis_key={} ttl_ms={}",
        change.routeKey(),
        change.revision(),
        change.action().wireName(),
        entry.resolves(),
        written,
        key,
        ttl.toMillis());
  }

  private static CacheEntry entryOf(RouteChange change) {
    RouteState current = change.current();
    if (!current.active()) {
      return CacheEntry.missing(change.revision());
    }
    if (current.url() == null || current.url().isBlank()) {
      throw new NonRetriableException(
          "active route " + change.routeKey() + " has no url at revision " + change.revision(),
          null);
    }
    return CacheEntry.resolving(current.url(), change.revision());
  }

  @Override
  public void close() {
    redis.close();
  }
}
