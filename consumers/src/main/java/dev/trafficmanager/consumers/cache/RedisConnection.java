package dev.trafficmanager.consumers.cache;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.Objects;

/**
 * A handler's one Redis connection, opened on first use, and opened afresh when it has been lost:
 * the consumer starts while Redis is down, and the first call after Redis is back connects at once
 * instead of waiting for the client's own reconnect, whose delay grows up to 30 s during an outage.
 * One consumer thread uses it.
 */
final class RedisConnection implements AutoCloseable {
  private final RedisClient client;
  private StatefulRedisConnection<String, String> connection;

  RedisConnection(RedisClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  /**
   * @throws io.lettuce.core.RedisConnectionException if Redis cannot be reached
   */
  RedisCommands<String, String> commands() {
    if (connection != null && !connection.isOpen()) {
      connection.close();
      connection = null;
    }
    if (connection == null) {
      connection = client.connect();
    }
    return connection.sync();
  }

  @Override
  public void close() {
    if (connection != null) {
      connection.close();
      connection = null;
    }
  }
}
