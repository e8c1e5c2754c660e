package dev.trafficmanager.api.resolve;

import dev.trafficmanager.cache.RedisFailures;
import dev.trafficmanager.cache.RedisSettings;
import io.lettuce.core.ConnectionFuture;
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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection of the resolve cache to Redis. It never makes a reader wait for Redis to come up:
 * while there is no connection, {@link #commands()} is empty and a new attempt runs on a background
 * thread of its own every second, whether or not anyone reads, so the cache is back as soon as
 * Redis is, not when the {@code redis} circuit breaker next lets a read through. Once connected,
 * lettuce reconnects by itself and rejects commands while disconnected, so a Redis that goes away
 * costs readers a fast failure.
 */
public final class CacheConnection implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CacheConnection.class);
  private static final Duration RETRY_INTERVAL = Duration.ofSeconds(1);

  private final RedisClient client;
  private final RedisURI uri;
  private final RateLimitedWarning connectFailures =
      new RateLimitedWarning(log, Duration.ofSeconds(30));
  private final ScheduledExecutorService retries =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "tm-redis-connect");
            thread.setDaemon(true);
            return thread;
          });
  private volatile StatefulRedisConnection<String, String> connection;
  private volatile Optional<String> refused = Optional.empty();
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
      // As a string: SLF4J would take a last Throwable argument for the stack trace, not for {}.
      log.warn(
          "event=cache_not_connected redis={} error=\"{}\"",
          settings.address(),
          e.getCause().toString());
    } catch (TimeoutException e) {
      // A timeout has no cause: logging it as one would say error="null".
      log.warn("event=cache_not_connected redis={} error=\"{}\"", settings.address(), e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return cache;
  }

  /** Commands on the live connection, or empty while there is none. Never connects. */
  public Optional<RedisCommands<String, String>> commands() {
    StatefulRedisConnection<String, String> current = connection;
    return current == null ? Optional.empty() : Optional.of(current.sync());
  }

  /**
   * While not connected because Redis refused this client's credentials: why, without them (see
   * {@link RedisFailures#authenticationProblem}).
   */
  public Optional<String> refusedCredentials() {
    return refused;
  }

  /** Whether commands can reach Redis now: connected once and not currently disconnected. */
  public boolean isConnected() {
    StatefulRedisConnection<String, String> current = connection;
    return current != null && current.isOpen();
  }

  /**
   * A new pub/sub connection on this cache's client: the same server, timeouts and reconnects. Its
   * caller closes it; {@link #close()} closes it at the latest. A failure to connect completes the
   * future exceptionally, never throws.
   */
  CompletableFuture<StatefulRedisPubSubConnection<String, String>> connectPubSub() {
    return connecting(() -> client.connectPubSubAsync(StringCodec.UTF8, uri));
  }

  /**
   * Runs {@code attempt} once the retry interval is up, on this connection's background thread: the
   * one cadence of every connection attempt on this cache's client. Does nothing once closed.
   */
  synchronized void retryLater(Runnable attempt) {
    if (!closed) {
      retries.schedule(attempt, RETRY_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private synchronized CompletableFuture<StatefulRedisConnection<String, String>> attempt() {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("closed"));
    }
    return connecting(() -> client.connectAsync(StringCodec.UTF8, uri))
        .whenComplete(
            (connected, failure) -> {
              if (failure != null) {
                refused = RedisFailures.authenticationProblem(failure);
                connectFailures.occurred("event=cache_connect_failed", failure);
                retryLater(this::attempt);
              } else {
                keep(connected);
              }
            });
  }

  private synchronized void keep(StatefulRedisConnection<String, String> connected) {
    if (closed) {
      connected.closeAsync();
      return;
    }
    connection = connected;
    refused = Optional.empty();
    log.info("event=cache_connected redis={}", uri.getHost() + ":" + uri.getPort());
  }

  private static <T> CompletableFuture<T> connecting(Supplier<ConnectionFuture<T>> connect) {
    try {
      return connect.get().toCompletableFuture();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Stops connecting, closes the connection and the client; reads then see no cache. */
  @Override
  public void close() {
    StatefulRedisConnection<String, String> current;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      current = connection;
    }
    retries.shutdownNow();
    if (current != null) {
      current.close();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
