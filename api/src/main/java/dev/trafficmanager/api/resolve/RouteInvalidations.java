package dev.trafficmanager.api.resolve;

import dev.trafficmanager.route.CacheKeys;
import dev.trafficmanager.route.RouteInvalidation;
import dev.trafficmanager.split.SplitInvalidation;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this process's {@link NearCache} in step with the cache-invalidation consumer: subscribes
 * to {@link CacheKeys#invalidations()} on a pub/sub connection of its own and applies every {@link
 * RouteInvalidation} it receives to the near cache, and every {@link SplitInvalidation} to the
 * {@link SplitCache}. A message it cannot read clears the whole near cache, since which route it
 * was about is unknown; so does every (re)subscription, since messages published while the
 * subscription was down are lost.
 *
 * <p>It never makes anyone wait for Redis: while there has been no connection yet, a new attempt
 * runs every second on the {@link CacheConnection}'s background thread; once connected, lettuce
 * reconnects and subscribes again by itself. While unsubscribed, the near cache keeps answering
 * within its TTL: that shields PostgreSQL from the storm of reads a Redis outage would otherwise
 * send it, and costs at most one TTL of staleness, the bound the near cache keeps even when every
 * invalidation is lost.
 *
 * <p>Meter: {@code tm_resolve_near_cache_invalidations_received_total}.
 */
public final class RouteInvalidations implements AutoCloseable {
  static final String RECEIVED = "tm.resolve.near.cache.invalidations.received";
  private static final Logger log = LoggerFactory.getLogger(RouteInvalidations.class);

  private final CacheConnection redis;
  private final String channel;
  private final NearCache nearCache;
  private final SplitCache splits;
  private final Counter received;
  private final RateLimitedWarning connectFailures =
      new RateLimitedWarning(log, Duration.ofSeconds(30));
  private StatefulRedisPubSubConnection<String, String> connection;
  private volatile boolean subscribed;
  private boolean closed;

  private RouteInvalidations(
      CacheConnection redis,
      CacheKeys keys,
      NearCache nearCache,
      SplitCache splits,
      MeterRegistry meters) {
    this.redis = redis;
    this.channel = keys.invalidations();
    this.nearCache = nearCache;
    this.splits = splits;
    this.received =
        Counter.builder(RECEIVED)
            .description("Route invalidations received for the resolve near cache")
            .register(meters);
  }

  /**
   * Starts subscribing in the background on {@code redis}'s client and returns at once.
   *
   * @param redis the resolve cache's connection, closed after this
   */
  public static RouteInvalidations subscribe(
      CacheConnection redis,
      CacheKeys keys,
      NearCache nearCache,
      SplitCache splits,
      MeterRegistry meters) {
    RouteInvalidations invalidations =
        new RouteInvalidations(redis, keys, nearCache, splits, meters);
    invalidations.attempt();
    return invalidations;
  }

  /** Whether invalidations reach the near cache now: subscribed, and the connection is up. */
  public boolean isSubscribed() {
    StatefulRedisPubSubConnection<String, String> current;
    synchronized (this) {
      current = connection;
    }
    return subscribed && current != null && current.isOpen();
  }

  private synchronized void attempt() {
    if (closed) {
      return;
    }
    redis
        .connectPubSub()
        .whenComplete(
            (connected, failure) -> {
              if (failure != null) {
                connectFailures.occurred("event=near_cache_subscribe_failed", failure);
                redis.retryLater(this::attempt);
              } else {
                listen(connected);
              }
            });
  }

  private synchronized void listen(StatefulRedisPubSubConnection<String, String> connected) {
    if (closed) {
      connected.closeAsync();
      return;
    }
    connection = connected;
    connected.addListener(new Messages());
    connected.addListener(new Disconnects());
    connected
        .async()
        .subscribe(channel)
        .whenComplete(
            (ignored, failure) -> {
              if (failure != null) {
                // Lettuce re-subscribes after a reconnect only to what Redis confirmed: start over.
                connectFailures.occurred("event=near_cache_subscribe_failed", failure);
                forget(connected);
                redis.retryLater(this::attempt);
              }
            });
  }

  private synchronized void forget(StatefulRedisPubSubConnection<String, String> failed) {
    if (connection == failed) {
      connection = null;
    }
    failed.closeAsync();
  }

  /** Stops listening; the near cache then lives on its TTL alone. Idempotent. */
  @Override
  public void close() {
    StatefulRedisPubSubConnection<String, String> current;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      current = connection;
      connection = null;
    }
    subscribed = false;
    if (current != null) {
      current.close();
    }
  }

  /** Runs on lettuce's event loop: applies each message to the near cache, which never blocks. */
  private final class Messages extends RedisPubSubAdapter<String, String> {
    @Override
    public void subscribed(String subscribedChannel, long count) {
      subscribed = true;
      nearCache.clear();
      splits.clear();
      log.info("event=near_cache_subscribed channel={} near_cache=cleared", subscribedChannel);
    }

    @Override
    public void message(String fromChannel, String message) {
      received.increment();
      if (SplitInvalidation.isSplitMessage(message)) {
        split(fromChannel, message);
        return;
      }
      RouteInvalidation invalidation;
      try {
        invalidation = RouteInvalidation.parse(message);
      } catch (IllegalArgumentException e) {
        nearCache.clear();
        log.warn(
            "event=near_cache_invalidation_unreadable channel={} near_cache=cleared error=\"{}\"",
            fromChannel,
            e.getMessage());
        return;
      }
      nearCache.invalidate(invalidation.route(), invalidation.revision());
      log.debug(
          "event=near_cache_invalidated route_key={} revision={}",
          invalidation.route(),
          invalidation.revision());
    }
  }

  /** A split's message: its copy is dropped; one that cannot be read drops every split. */
  private void split(String fromChannel, String message) {
    try {
      SplitInvalidation invalidation = SplitInvalidation.parse(message);
      splits.invalidate(invalidation.split(), invalidation.revision());
      log.debug(
          "event=split_cache_invalidated split_key={} revision={}",
          invalidation.split(),
          invalidation.revision());
    } catch (IllegalArgumentException e) {
      splits.clear();
      log.warn(
          "event=split_invalidation_unreadable channel={} splits=cleared error=\"{}\"",
          fromChannel,
          e.getMessage());
    }
  }

  private final class Disconnects implements RedisConnectionStateListener {
    @Override
    public void onRedisDisconnected(RedisChannelHandler<?, ?> disconnected) {
      if (subscribed) {
        subscribed = false;
        log.warn(
            "event=near_cache_unsubscribed channel={} reason=\"near-cache answers live out their"
                + " TTL until subscribed again\"",
            channel);
      }
    }
  }
}
