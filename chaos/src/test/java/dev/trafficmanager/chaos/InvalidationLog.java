package dev.trafficmanager.chaos;

import dev.trafficmanager.cache.RedisSettings;
import dev.trafficmanager.route.RouteInvalidation;
import dev.trafficmanager.route.RouteKey;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every invalidation the cache-invalidation consumer publishes, as an API instance receives them:
 * subscribed to the invalidation channel for the suite's whole run.
 */
final class InvalidationLog implements AutoCloseable {
  private final RedisClient client;
  private final StatefulRedisPubSubConnection<String, String> connection;
  private final Set<String> received = ConcurrentHashMap.newKeySet();

  /**
   * @throws io.lettuce.core.RedisException when Redis does not answer; nothing is left open
   */
  InvalidationLog(RedisSettings redis) {
    this.client = redis.newClient();
    try {
      this.connection = client.connectPubSub();
    } catch (RuntimeException e) {
      client.shutdown();
      throw e;
    }
    connection.addListener(
        new RedisPubSubAdapter<>() {
          @Override
          public void message(String channel, String message) {
            received.add(message);
          }
        });
    connection.sync().subscribe(redis.keys().invalidations());
  }

  boolean received(String route, long revision) {
    return received.contains(new RouteInvalidation(RouteKey.parse(route), revision).toMessage());
  }

  @Override
  public void close() {
    connection.close();
    client.shutdown();
  }
}
