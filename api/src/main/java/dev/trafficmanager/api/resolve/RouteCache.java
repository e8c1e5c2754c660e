package dev.trafficmanager.api.resolve;

import dev.trafficmanager.route.CacheKeys;
import dev.trafficmanager.route.RouteKey;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis side of resolve: answers kept for a TTL, a positive one for routes that resolve and a
 * shorter negative one for routes that do not. Any Redis failure is logged (rate-limited) and
 * reported as {@link CacheRead.Unavailable}, never thrown: the cache is an optimisation.
 */
public final class RouteCache {
  private static final Logger log = LoggerFactory.getLogger(RouteCache.class);

  private final CacheConnection connection;
  private final CacheKeys keys;
  private final Duration ttl;
  private final Duration negativeTtl;
  private final CacheEntryFormat format = new CacheEntryFormat();
  private final RateLimitedWarning failures = new RateLimitedWarning(log, Duration.ofSeconds(30));

  public RouteCache(
      CacheConnection connection, CacheKeys keys, Duration ttl, Duration negativeTtl) {
    this.connection = connection;
    this.keys = keys;
    this.ttl = ttl;
    this.negativeTtl = negativeTtl;
  }

  CacheRead read(RouteKey route) {
    Optional<RedisCommands<String, String>> redis = connection.commands();
    if (redis.isEmpty()) {
      return new CacheRead.Unavailable();
    }
    String value;
    try {
      value = redis.get().get(keys.route(route));
    } catch (RuntimeException e) {
      failures.occurred("event=cache_read_failed", e);
      return new CacheRead.Unavailable();
    }
    if (value == null) {
      return new CacheRead.Miss();
    }
    try {
      return new CacheRead.Hit(format.read(value));
    } catch (IllegalArgumentException e) {
      // Treated as a miss, so the fresh answer overwrites the bad entry.
      log.warn(
          "event=cache_entry_unreadable key={} error=\"{}\"", keys.route(route), e.getMessage());
      return new CacheRead.Miss();
    }
  }

  void write(RouteKey route, Optional<Resolution> resolution) {
    Optional<RedisCommands<String, String>> redis = connection.commands();
    if (redis.isEmpty()) {
      return;
    }
    Duration expiry = resolution.isPresent() ? ttl : negativeTtl;
    try {
      redis
          .get()
          .set(keys.route(route), format.write(resolution), SetArgs.Builder.px(expiry.toMillis()));
    } catch (RuntimeException e) {
      failures.occurred("event=cache_write_failed", e);
    }
  }
}
