package dev.trafficmanager.app.operate.verify;

import dev.trafficmanager.cache.RedisSettings;
import dev.trafficmanager.route.CacheKeys;
import dev.trafficmanager.route.RouteKey;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.List;
import java.util.Optional;

/** Reads the resolve cache's entries of a batch of routes, in one {@code MGET}. */
final class CacheProbe implements AutoCloseable {
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final CacheKeys keys;

  CacheProbe(RedisSettings redis) {
    this.client = redis.newClient();
    try {
      this.connection = client.connect();
    } catch (RuntimeException e) {
      client.shutdown();
      throw e;
    }
    this.keys = redis.keys();
  }

  /** Each route's entry as stored, in the order of {@code routeKeys}; empty where there is none. */
  List<Optional<String>> read(List<String> routeKeys) {
    if (routeKeys.isEmpty()) {
      return List.of();
    }
    String[] cacheKeys =
        routeKeys.stream().map(k -> keys.route(RouteKey.parse(k))).toArray(String[]::new);
    return connection.sync().mget(cacheKeys).stream().map(KeyValue::optional).toList();
  }

  @Override
  public void close() {
    connection.close();
    client.shutdown();
  }
}
