package dev.trafficmanager.testkit;

import dev.trafficmanager.cache.RedisSettings;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Listens on a test environment's invalidation channel, as an API instance does, and keeps every
 * message it received. Subscribed when constructed.
 */
public final class InvalidationSubscriber implements AutoCloseable {
  private final RedisClient client;
  private final StatefulRedisPubSubConnection<String, String> connection;
  private final List<String> messages = new CopyOnWriteArrayList<>();

  public InvalidationSubscriber(RedisSettings redis) {
    this.client = redis.newClient();
    try {
      this.connection = client.connectPubSub();
      connection.addListener(
          new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
              messages.add(message);
            }
          });
      // The sync call returns once Redis confirmed the subscription: nothing published later is
      // missed.
      connection.sync().subscribe(redis.keys().invalidations());
    } catch (RuntimeException e) {
      client.shutdown();
      throw e;
    }
  }

  /** The messages received so far, in order. */
  public List<String> messages() {
    return List.copyOf(messages);
  }

  @Override
  public void close() {
    try {
      connection.close();
    } finally {
      client.shutdown();
    }
  }
}
