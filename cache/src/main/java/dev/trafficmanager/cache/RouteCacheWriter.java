package dev.trafficmanager.cache;

import dev.trafficmanager.route.CacheEntry;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;

/**
 * Writes resolve cache entries atomically with "set if not older" semantics (a Lua script on the
 * server): an entry of a newer revision is never replaced by an older one, whoever writes.
 */
public final class RouteCacheWriter {
  private static final CacheScript SCRIPT = CacheScript.load("set-if-not-older.lua");

  /**
   * Writes the entry unless a newer one is cached; Redis errors propagate.
   *
   * @return true when the entry was written, false when a newer entry stays
   */
  public boolean setIfNotOlder(
      RedisCommands<String, String> redis, String key, CacheEntry entry, Duration ttl) {
    Long written =
        SCRIPT.call(redis, ScriptOutputType.INTEGER, new String[] {key}, args(entry, ttl));
    return written != null && written == 1L;
  }

  /**
   * Sends {@link #setIfNotOlder} without waiting, for a pipeline; the future holds 1 when the entry
   * was written, 0 when a newer entry stays. It fails with {@link
   * io.lettuce.core.RedisNoScriptException} until {@link #loadScript} ran on the server.
   */
  public RedisFuture<Long> sendSetIfNotOlder(
      RedisAsyncCommands<String, String> redis, String key, CacheEntry entry, Duration ttl) {
    return SCRIPT.send(redis, ScriptOutputType.INTEGER, new String[] {key}, args(entry, ttl));
  }

  /** Makes the server know the script that {@link #sendSetIfNotOlder} calls by its SHA-1. */
  public void loadScript(RedisCommands<String, String> redis) {
    SCRIPT.load(redis);
  }

  private static String[] args(CacheEntry entry, Duration ttl) {
    return new String[] {
      entry.toJson(), Long.toString(entry.revision()), Long.toString(ttl.toMillis())
    };
  }
}
