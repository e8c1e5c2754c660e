package dev.trafficmanager.consumers.cache;

import dev.trafficmanager.cache.RouteCacheInvalidator;
import dev.trafficmanager.consumers.runner.BatchResult;
import dev.trafficmanager.consumers.runner.ChangeHandler;
import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.event.SplitChange;
import dev.trafficmanager.route.CacheKeys;
import dev.trafficmanager.route.RouteInvalidation;
import dev.trafficmanager.split.SplitInvalidation;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Invalidates a changed route's entry in the Redis resolve cache and tells every API instance:
 * {@link RouteCacheInvalidator}'s script deletes the entry only if it is older than the change's
 * revision, so that the entry the cache-warming consumer (or an API) wrote for the change itself
 * survives, and publishes a {@link RouteInvalidation} on {@link CacheKeys#invalidations()} so that
 * every API drops its near-cache copies older than the revision at once instead of serving them
 * until their TTL. Both are idempotent and never take the cache back in time, so a replay is safe.
 *
 * <p>A batch is one pipeline of script calls, each for up to {@value #CHANGES_PER_CALL} changes,
 * flushed together, replies awaited in order: a replay pays Redis's per-command cost once per group
 * instead of once per change. Every Redis failure (down, unreachable, timed out, a refused command)
 * ends the applied prefix at the change it stopped, never swallowed: the runner retries that change
 * rather than commit past an entry that may still be stale. Not thread-safe: one consumer thread
 * calls it.
 */
public final class CacheInvalidationHandler implements ChangeHandler, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CacheInvalidationHandler.class);
  private static final Duration REPLY_GUARD = Duration.ofSeconds(30);

  /**
   * Redis serves no other client while a script runs: a group of this size takes it about a third
   * of a millisecond (3.4 µs a change, measured in a replay), so the resolves of the API instances
   * wait behind it no longer than that.
   */
  static final int CHANGES_PER_CALL = 100;

  private final RouteCacheInvalidator invalidator;
  private final RedisPipeline redis;
  private final String channel;

  /**
   * @param redis a client whose commands time out (as {@code RedisSettings.newClient()} makes
   *     them); the caller owns it and shuts it down after closing this handler
   */
  public CacheInvalidationHandler(RedisClient redis, CacheKeys keys) {
    this.invalidator = new RouteCacheInvalidator(keys);
    this.channel = keys.invalidations();
    this.redis = new RedisPipeline(redis, invalidator::loadScript, REPLY_GUARD);
  }

  @Override
  public BatchResult apply(List<RouteChange> changes) {
    return redis.sendGroups(
        changes,
        CHANGES_PER_CALL,
        (commands, group) ->
            invalidator.send(
                commands,
                group.stream()
                    .map(change -> new RouteInvalidation(change.key(), change.revision()))
                    .toList()),
        CacheInvalidationHandler::applied);
  }

  /**
   * A split is cached by the API instances only (not in Redis): each change is published as a
   * {@link SplitInvalidation} on the invalidations channel, so every instance drops its older copy.
   * Publishing again is harmless, so a replay is safe.
   */
  @Override
  public BatchResult applySplits(List<SplitChange> changes) {
    return redis.send(
        changes,
        (commands, change) ->
            commands.publish(
                channel, new SplitInvalidation(change.key(), change.revision()).toMessage()),
        (change, receivers) ->
            log.debug(
                "split invalidation published split_key={} revision={} receivers={}"
                    + " correlation_id={}",
                change.splitKey(),
                change.revision(),
                receivers,
                change.correlationId()));
  }

  @SuppressWarnings("unchecked")
  private static BatchResult applied(List<RouteChange> group, Object reply) {
    RouteCacheInvalidator.Reply read = RouteCacheInvalidator.Reply.of((List<Object>) reply);
    if (log.isDebugEnabled()) {
      for (int i = 0; i < read.applied().size(); i++) {
        RouteChange change = group.get(i);
        RouteCacheInvalidator.Outcome outcome = read.applied().get(i);
        log.debug(
            "cache entry invalidated route_key={} revision={} action={} deleted={} receivers={}"
                + " correlation_id={}",
            change.routeKey(),
            change.revision(),
            change.action().wireName(),
            outcome.deleted(),
            outcome.receivers(),
            change.correlationId());
      }
    }
    if (read.failure().isEmpty() && read.applied().size() != group.size()) {
      throw new IllegalStateException(
          "the invalidation script applied " + read.applied().size() + " of " + group.size());
    }
    return read.failure()
        .<BatchResult>map(failure -> BatchResult.failedAt(read.applied().size(), failure))
        .orElseGet(() -> BatchResult.all(group.size()));
  }

  @Override
  public void close() {
    redis.close();
  }
}
