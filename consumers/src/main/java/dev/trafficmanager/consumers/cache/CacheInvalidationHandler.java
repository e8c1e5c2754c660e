package dev.trafficmanager.consumers.cache;

import dev.trafficmanager.consumers.runner.ChangeHandler;
import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.route.CacheKeys;
import dev.trafficmanager.route.RouteInvalidation;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes a changed route's entry from the Redis resolve cache, so that the next read loads the
 * route from PostgreSQL, then publishes a {@link RouteInvalidation} on {@link
 * CacheKeys#invalidations()} so that every API instance drops its near-cache copy at once instead
 * of serving it until its TTL. A delete is idempotent and never takes the cache back in time — the
 * worst a replayed old change can do is cost one read a cache miss — and so is the message, which
 * carries the change's revision: an API keeps an entry of that revision or newer. This handler
 * needs no revision check of its own.
 *
 * <p>Every Redis failure (down, unreachable, timed out) of the delete or the publish is thrown,
 * never swallowed: the runner then retries the change (delete and publish again) rather than commit
 * past an entry that may still be stale. Not thread-safe: one consumer thread calls it.
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
    RedisCommands<String, String> commands = redis.commands();
    long deleted = commands.del(key);
    long receivers =
        commands.publish(
            keys.invalidations(),
            new RouteInvalidation(change.key(), change.revision()).toMessage());
    log.info(
        "cache entry invalidated route_key={} revision={} action={} redis_key={} deleted={}"
            + " receivers={}",
        change.routeKey(),
        change.revision(),
        change.action().wireName(),
        key,
        deleted,
        receivers);
  }

  @Override
  public void close() {
    redis.close();
  }
}
