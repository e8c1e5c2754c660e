package dev.trafficmanager.app.bench;

import dev.trafficmanager.cache.RedisSettings;
import dev.trafficmanager.route.RouteInvalidation;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;

/**
 * Subscribes to the Redis invalidation channel, as every API instance does, and records when each
 * revision of the run's tenant is announced there.
 */
final class InvalidationTap implements AutoCloseable {
  private static final Duration SUBSCRIBE_TIMEOUT = Duration.ofSeconds(10);

  private final RedisClient client;
  private final StatefulRedisPubSubConnection<String, String> connection;

  private InvalidationTap(RedisClient client, StatefulRedisPubSubConnection<String, String> c) {
    this.client = client;
    this.connection = c;
  }

  /** Subscribes; returns once the subscription is confirmed. */
  static InvalidationTap subscribe(RedisSettings redis, String tenant, Arrivals arrivals) {
    // Not the services' client (fail fast, 500 ms): a subscriber that waits out a busy machine.
    RedisURI uri = redis.uri();
    uri.setTimeout(SUBSCRIBE_TIMEOUT);
    RedisClient client = RedisClient.create(uri);
    try {
      StatefulRedisPubSubConnection<String, String> connection = client.connectPubSub();
      connection.addListener(
          new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
              long now = System.nanoTime();
              try {
                RouteInvalidation invalidation = RouteInvalidation.parse(message);
                if (invalidation.route().tenant().equals(tenant)) {
                  arrivals.arrived(invalidation.route(), invalidation.revision(), now);
                }
              } catch (IllegalArgumentException notOurs) {
                // Not an invalidation this version writes: not the run's.
              }
            }
          });
      connection.sync().subscribe(redis.keys().invalidations());
      return new InvalidationTap(client, connection);
    } catch (RuntimeException e) {
      client.shutdown();
      throw e;
    }
  }

  @Override
  public void close() {
    connection.close();
    client.shutdown();
  }
}
