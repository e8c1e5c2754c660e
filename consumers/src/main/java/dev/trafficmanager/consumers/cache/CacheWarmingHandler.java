package dev.trafficmanager.consumers.cache;

import dev.trafficmanager.cache.CacheSettings;
import dev.trafficmanager.cache.RouteCacheWriter;
import dev.trafficmanager.consumers.runner.BatchResult;
import dev.trafficmanager.consumers.runner.ChangeHandler;
import dev.trafficmanager.consumers.runner.NonRetriableException;
import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.event.RouteState;
import dev.trafficmanager.route.CacheEntry;
import dev.trafficmanager.route.CacheKeys;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a changed route's new state into the Redis resolve cache, so that reads hit a warm entry:
 * a {@link CacheEntry#resolving} entry for an active route, kept for the positive TTL, and a {@link
 * CacheEntry#missing} one for an inactive route, kept for the negative TTL (the same bound on a
 * wrong "not found" as the API's own fill).
 *
 * <p>Idempotent by revision in Redis itself: {@link RouteCacheWriter}'s script writes only if the
 * cached entry is not newer, atomically, so a replayed or duplicated change never takes the cache
 * back in time, whoever wrote the newer entry (this consumer or the API). A batch is one pipeline
 * of script calls; a change that can make no entry (an active route without URL) ends the batch
 * before anything of it is sent, as {@link NonRetriableException}; Redis failures end the applied
 * prefix at the change whose call failed, for the runner to retry. Not thread-safe: one consumer
 * thread calls it.
 */
public final class CacheWarmingHandler implements ChangeHandler, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CacheWarmingHandler.class);
  private static final Duration REPLY_GUARD = Duration.ofSeconds(30);

  private final RedisPipeline redis;
  private final CacheKeys keys;
  private final CacheSettings ttls;
  private final RouteCacheWriter writer;

  /**
   * @param redis a client whose commands time out (as {@code RedisSettings.newClient()} makes
   *     them); the caller owns it and shuts it down after closing this handler
   */
  public CacheWarmingHandler(
      RedisClient redis, CacheKeys keys, CacheSettings ttls, RouteCacheWriter writer) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.ttls = Objects.requireNonNull(ttls, "ttls");
    this.writer = Objects.requireNonNull(writer, "writer");
    this.redis = new RedisPipeline(redis, writer::loadScript, REPLY_GUARD);
  }

  @Override
  public BatchResult apply(List<RouteChange> changes) {
    List<Warm> writes = new ArrayList<>(changes.size());
    NonRetriableException rejected = null;
    for (RouteChange change : changes) {
      try {
        writes.add(new Warm(change, entryOf(change)));
      } catch (NonRetriableException e) {
        rejected = e;
        break;
      }
    }
    BatchResult result =
        writes.isEmpty()
            ? BatchResult.all(0)
            : redis.send(
                writes,
                (commands, warm) ->
                    writer.sendSetIfNotOlder(
                        commands, keys.route(warm.change().key()), warm.entry(), ttl(warm)),
                this::logApplied);
    if (rejected != null && result.failure().isEmpty()) {
      return BatchResult.failedAt(writes.size(), rejected);
    }
    return result;
  }

  private Duration ttl(Warm warm) {
    return ttls.ttlOf(warm.entry().resolves());
  }

  private void logApplied(Warm warm, Object reply) {
    if (log.isDebugEnabled()) {
      log.debug(
          "cache entry warmed route_key={} revision={} action={} resolves={} written={} ttl_ms={}"
              + " correlation_id={}",
          warm.change().routeKey(),
          warm.change().revision(),
          warm.change().action().wireName(),
          warm.entry().resolves(),
          Long.valueOf(1L).equals(reply),
          ttl(warm).toMillis(),
          warm.change().correlationId());
    }
  }

  /**
   * @throws NonRetriableException if an active route has no URL: no cache entry can say where it
   *     resolves
   */
  private static CacheEntry entryOf(RouteChange change) {
    RouteState current = change.current();
    if (!current.active()) {
      return CacheEntry.missing(change.revision());
    }
    if (current.url() == null || current.url().isBlank()) {
      throw new NonRetriableException(
          "active route " + change.routeKey() + " has no url at revision " + change.revision(),
          null);
    }
    return CacheEntry.resolving(current.url(), change.revision());
  }

  @Override
  public void close() {
    redis.close();
  }

  private record Warm(RouteChange change, CacheEntry entry) {}
}
