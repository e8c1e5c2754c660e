package dev.trafficmanager.consumers.cache;

import dev.trafficmanager.consumers.runner.ChangeHandler;
import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.route.CacheKeys;
import io.lettuce.core.RedisClient;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes a changed route's entry from the Redis resolve cache, so that the next read loads the
 * route from PostgreSQL. A delete is idempotent and never takes the cache back in time — the worst
 * a replayed old change can do is cost one read a cache miss — so this handler needs no revision
 * check of its own.
 *
 * <p>Every Redis failure (down, unreachable, timed out) is thrown, never swallowed: the runner then
 * retries the change rather than commit past an entry that may still be stale. Not thread-safe: one
 * consumer thread calls it.
 */
public final class CacheInvalidationHandler implements ChangeHandler, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CacheInvalidationHandler.class);

  private final RedisConnection redis;
  private final CacheKeys keys;

  /**
   * @param redis a client whose commands time out (as {@code RedisSettings.newClient()} makes
   *     them); the caller owns it and shuts it down after closing this handler
   */
  public CacheInvalidationHandler(RedisClient redis, CacheKeys keys) {
    this.redis = new RedisConnection(redis);
    this.keys = Objects.requireNonNull(keys, "keys");
  }

  @Override
  public void handle(RouteChange change) {
    String key = keys.route(change.key());
    long deleted = redis.commands().del(key);
    log.info(
        "cache entry invalidated route_key={} revision={} action={} redis_key={} deleted={}",
        change.routeKey(),
        change.revision(),
        change.action().wireName(),
        key,
        deleted);
  }

  @Override
  public void close() {
    redis.close();
  }
}
