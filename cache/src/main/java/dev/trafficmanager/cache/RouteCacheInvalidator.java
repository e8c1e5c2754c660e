package dev.trafficmanager.cache;

import dev.trafficmanager.route.CacheKeys;
import dev.trafficmanager.route.RouteInvalidation;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.List;
import java.util.Objects;

/**
 * Invalidates resolve cache entries atomically with "delete if older" semantics (a Lua script on
 * the server, the counterpart of {@link RouteCacheWriter}): the entry of a route is deleted only if
 * its revision is older than the change's, so that an entry written for the change itself (by the
 * cache-warming consumer, or by an API that read the route after it) survives its invalidation; an
 * entry that cannot be read, or a negative entry without a revision, counts as older. The {@link
 * RouteInvalidation} message is published on {@link CacheKeys#invalidations()} in the same script,
 * whether or not anything was deleted, so that every API drops its near-cache copies older than the
 * revision.
 */
public final class RouteCacheInvalidator {
  private static final CacheScript SCRIPT = CacheScript.load("invalidate-if-older.lua");

  private final CacheKeys keys;

  public RouteCacheInvalidator(CacheKeys keys) {
    this.keys = Objects.requireNonNull(keys, "keys");
  }

  /**
   * Invalidates and publishes, and waits; Redis errors propagate.
   *
   * @return what the script did
   */
  public Outcome invalidate(RedisCommands<String, String> redis, RouteInvalidation invalidation) {
    List<Object> reply =
        SCRIPT.call(redis, ScriptOutputType.MULTI, keys(invalidation), args(invalidation));
    return Outcome.of(reply);
  }

  /**
   * Sends {@link #invalidate} without waiting, for a pipeline; read its reply with {@link
   * Outcome#of}. The future fails with {@link io.lettuce.core.RedisNoScriptException} until {@link
   * #loadScript} ran on the server.
   */
  public RedisFuture<List<Object>> send(
      RedisAsyncCommands<String, String> redis, RouteInvalidation invalidation) {
    return SCRIPT.send(redis, ScriptOutputType.MULTI, keys(invalidation), args(invalidation));
  }

  /** Makes the server know the script that {@link #send} calls by its SHA-1. */
  public void loadScript(RedisCommands<String, String> redis) {
    SCRIPT.load(redis);
  }

  private String[] keys(RouteInvalidation invalidation) {
    return new String[] {keys.route(invalidation.route())};
  }

  private String[] args(RouteInvalidation invalidation) {
    return new String[] {
      Long.toString(invalidation.revision()), keys.invalidations(), invalidation.toMessage()
    };
  }

  /**
   * @param deleted whether the entry was older than the change and was deleted
   * @param receivers how many subscribers received the message
   */
  public record Outcome(boolean deleted, long receivers) {
    /** Reads the script's reply, {@code {deleted, receivers}}. */
    public static Outcome of(List<Object> reply) {
      if (reply == null || reply.size() != 2) {
        throw new IllegalStateException("unexpected reply of the invalidation script: " + reply);
      }
      return new Outcome(
          ((Number) reply.get(0)).longValue() == 1L, ((Number) reply.get(1)).longValue());
    }
  }
}
