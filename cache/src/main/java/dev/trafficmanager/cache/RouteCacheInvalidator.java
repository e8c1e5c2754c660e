package dev.trafficmanager.cache;

import dev.trafficmanager.route.CacheKeys;
import dev.trafficmanager.route.RouteInvalidation;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Invalidates resolve cache entries atomically with "delete if older" semantics (a Lua script on
 * the server, the counterpart of {@link RouteCacheWriter}): the entry of a route is deleted only if
 * its revision is older than the change's, so that an entry written for the change itself (by the
 * cache-warming consumer, or by an API that read the route after it) survives its invalidation; an
 * entry that cannot be read, or a negative entry without a revision, counts as older. The {@link
 * RouteInvalidation} message is published on {@link CacheKeys#invalidations()} in the same script,
 * whether or not anything was deleted, so that every API drops its near-cache copies older than the
 * revision.
 *
 * <p>One call invalidates a group of routes, in order, and stops at the first command that fails:
 * the invalidations before it are applied, none after it is, which the {@link Reply} says. A group
 * is one script run, so its entries must live on one Redis server (no cluster slots), and Redis
 * serves no other client while it runs: callers keep groups small.
 */
public final class RouteCacheInvalidator {
  private static final CacheScript SCRIPT = CacheScript.load("invalidate-if-older.lua");

  private final CacheKeys keys;

  public RouteCacheInvalidator(CacheKeys keys) {
    this.keys = Objects.requireNonNull(keys, "keys");
  }

  /**
   * Sends the invalidations of a group without waiting, for a pipeline; read the reply with {@link
   * Reply#of}. The future fails with {@link io.lettuce.core.RedisNoScriptException} until {@link
   * #loadScript} ran on the server, and with the failure of the whole call otherwise (Redis down,
   * timed out): then any prefix of the group may have been applied.
   */
  public RedisFuture<List<Object>> send(
      RedisAsyncCommands<String, String> redis, List<RouteInvalidation> group) {
    String[] entryKeys = new String[group.size()];
    String[] args = new String[1 + 2 * group.size()];
    args[0] = keys.invalidations();
    for (int i = 0; i < group.size(); i++) {
      RouteInvalidation invalidation = group.get(i);
      entryKeys[i] = keys.route(invalidation.route());
      args[1 + 2 * i] = Long.toString(invalidation.revision());
      args[2 + 2 * i] = invalidation.toMessage();
    }
    return SCRIPT.send(redis, ScriptOutputType.MULTI, entryKeys, args);
  }

  /** Makes the server know the script that {@link #send} calls by its SHA-1. */
  public void loadScript(RedisCommands<String, String> redis) {
    SCRIPT.load(redis);
  }

  /**
   * @param deleted whether the entry was older than the change and was deleted
   * @param receivers how many subscribers received the message
   */
  public record Outcome(boolean deleted, long receivers) {}

  /**
   * What a call did with its group.
   *
   * @param applied the outcome of each invalidation applied, a prefix of the group
   * @param failure when present, the error of the invalidation after that prefix, which was not
   *     applied, nor was anything after it
   */
  public record Reply(List<Outcome> applied, Optional<RedisCommandExecutionException> failure) {
    /** Reads the script's reply, {@code {applied, error, deleted_1, receivers_1, ...}}. */
    public static Reply of(List<Object> reply) {
      if (reply == null
          || reply.size() < 2
          || !(reply.get(0) instanceof Number count)
          || reply.size() != 2 + 2 * count.intValue()) {
        throw new IllegalStateException("unexpected reply of the invalidation script: " + reply);
      }
      List<Outcome> applied = new ArrayList<>(count.intValue());
      for (int i = 2; i < reply.size(); i += 2) {
        applied.add(
            new Outcome(
                ((Number) reply.get(i)).longValue() == 1L,
                ((Number) reply.get(i + 1)).longValue()));
      }
      String error = String.valueOf(reply.get(1));
      return new Reply(
          applied,
          error.isEmpty()
              ? Optional.empty()
              : Optional.of(new RedisCommandExecutionException(error)));
    }
  }
}
