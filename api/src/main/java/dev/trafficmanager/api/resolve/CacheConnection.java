package dev.trafficmanager.api.resolve;

import dev.trafficmanager.config.RedisSettings;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection of the resolve cache to Redis. It never makes a reader wait for Redis to come up:
 * while there is no connection, {@link #commands()} is empty and a new attempt runs in the
 * background at most once per second. Once connected, lettuce reconnects by itself and rejects
 * commands while disconnected, so a Redis that goes away costs readers a fast failure.
 */
public final class CacheConnection implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CacheConnection.class);
  private static final Duration RETRY_INTERVAL = Duration.ofSeconds(1);

  private final RedisClient client;
  private final RedisURI uri;
  private final RateLimitedWarning connectFailures =
      new RateLimitedWarning(log, Duration.ofSeconds(30));
  private volatile CompletableFuture<StatefulRedisConnection<String, String>> connection;
  private long lastAttemptNanos;
  private boolean closed;

  private CacheConnection(RedisClient client, RedisURI uri) {
    this.client = client;
    this.uri = uri;
  }

  /**
   * Opens the connection, waiting at most the command timeout for it so that the first reads can
   * use the cache; a Redis that is down does not stop the caller.
   */
  public static CacheConnection open(RedisSettings settings) {
    RedisClient client = settings.newClient();
    // Connecting must not outlast a command: a silent Redis would otherwise hold the first
    // attempt for lettuce's default of ten seconds.
    client.setOptions(
        client
            .getOptions()
            .mutate()
            .socketOptions(
                SocketOptions.builder().connectTimeout(settings.commandTimeout()).build())
            .build());
    CacheConnection cache = new CacheConnection(client, settings.uri());
    CompletableFuture<StatefulRedisConnection<String, String>> first = cache.attempt();
    try {
      first.get(settings.commandTimeout().toMillis() + 100, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      log.warn("event=cache_not_connected redis={} error=\"{}\"", settings.url(), e.getCause());
    } catch (TimeoutException e) {
      // A timeout has no cause: logging it as one would say error="null".
      log.warn("event=cache_not_connected redis={} error=\"{}\"", settings.url(), e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return cache;
  }

  /** Commands on the live connection, or empty while there is none. */
  public Optional<RedisCommands<String, String>> commands() {
    CompletableFuture<StatefulRedisConnection<String, String>> current = connection;
    if (!isConnected(current)) {
      current = retryIfDue();
    }
    return isConnected(current) ? Optional.of(current.join().sync()) : Optional.empty();
  }

  /**
   * Whether commands can reach Redis now: connected once and not currently disconnected. Does not
   * start a connection attempt.
   */
  public boolean isConnected() {
    CompletableFuture<StatefulRedisConnection<String, String>> current = connection;
    return isConnected(current) && current.join().isOpen();
  }

  /**
   * A new pub/sub connection on this cache's client: the same server, timeouts and reconnects. Its
   * caller closes it; {@link #close()} closes it at the latest.
   */
  CompletableFuture<StatefulRedisPubSubConnection<String, String>> connectPubSub() {
    return client.connectPubSubAsync(StringCodec.UTF8, uri).toCompletableFuture();
  }

  private static boolean isConnected(CompletableFuture<StatefulRedisConnection<String, String>> f) {
    return f != null && f.isDone() && !f.isCompletedExceptionally();
  }

  private synchronized CompletableFuture<StatefulRedisConnection<String, String>> retryIfDue() {
    if (!closed
        && connection.isCompletedExceptionally()
        && System.nanoTime() - lastAttemptNanos >= RETRY_INTERVAL.toNanos()) {
      return attempt();
    }
    return connection;
  }

  private synchronized CompletableFuture<StatefulRedisConnection<String, String>> attempt() {
    lastAttemptNanos = System.nanoTime();
    connection =
        client
            .connectAsync(StringCodec.UTF8, uri)
            .toCompletableFuture()
            .whenComplete(
                (c, e) -> {
                  if (e != null) {
                    connectFailures.occurred("event=cache_connect_failed", e);
                  } else {
                    log.info("event=cache_connected redis={}", uri.getHost() + ":" + uri.getPort());
                  }
                });
    return connection;
  }

  /** Closes the connection and the client; reads then see no cache. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    CompletableFuture<StatefulRedisConnection<String, String>> current = connection;
    if (isConnected(current)) {
      current.join().close();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
