package dev.trafficmanager.consumers.invalidation;

import dev.trafficmanager.consumers.runner.ChangeHandler;
import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.route.CacheKeys;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes a changed route's entry from the Redis resolve cache, so that the next read loads the
 * route from PostgreSQL. Deleting a key that is not there is harmless, so handling a change twice
 * is too.
 *
 * <p>Every Redis failure (down, unreachable, timed out) is thrown, never swallowed: the runner then
 * retries the change rather than commit past an entry that may still be stale. The connection is
 * opened on first use, and again after a failed attempt to open it, so that the consumer starts
 * while Redis is down. Not thread-safe: one consumer thread calls it.
 */
public final class CacheInvalidationHandler implements ChangeHandler, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CacheInvalidationHandler.class);

  private final RedisClient redis;
  private final CacheKeys keys;
  private volatile StatefulRedisConnection<String, String> connection;

  /**
   * @param redis a client whose commands time out (as {@code RedisSettings.newClient()} makes
   *     them); the caller owns it and shuts it down after closing this handler
   */
  public CacheInvalidationHandler(RedisClient redis, CacheKeys keys) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
  }

  @Override
  public void handle(RouteChange change) {
    String key = keys.route(change.key());
    long deleted = connection().sync().del(key);
    log.info(
        "cache entry invalidated route_key={} revision={} action={} redis_key={} deleted={}",
        change.routeKey(),
        change.revision(),
        change.action().wireName(),
        key,
        deleted);
  }

  private StatefulRedisConnection<String, String> connection() {
    StatefulRedisConnection<String, String> current = connection;
    if (current == null) {
      current = redis.connect();
      connection = current;
    }
    return current;
  }

  @Override
  public void close() {
    StatefulRedisConnection<String, String> current = connection;
    connection = null;
    if (current != null) {
      current.close();
    }
  }
}
