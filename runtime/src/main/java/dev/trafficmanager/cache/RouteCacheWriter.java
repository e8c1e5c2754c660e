package dev.trafficmanager.cache;

import dev.trafficmanager.route.CacheEntry;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Writes resolve cache entries atomically with "set if not older" semantics (a Lua script on the
 * server): an entry of a newer revision is never replaced by an older one, whoever writes.
 */
public final class RouteCacheWriter {
  private static final String SCRIPT = load("set-if-not-older.lua");
  private static final String SHA = sha1(SCRIPT);

  /**
   * Writes the entry unless a newer one is cached; Redis errors propagate.
   *
   * @return true when the entry was written, false when a newer entry stays
   */
  public boolean setIfNotOlder(
      RedisCommands<String, String> redis, String key, CacheEntry entry, Duration ttl) {
    String[] keys = {key};
    String[] args = {
      entry.toJson(), Long.toString(entry.revision()), Long.toString(ttl.toMillis())
    };
    Long written;
    try {
      written = redis.evalsha(SHA, ScriptOutputType.INTEGER, keys, args);
    } catch (RedisNoScriptException e) {
      // First use on this server (or after a restart or SCRIPT FLUSH): EVAL caches it again.
      written = redis.eval(SCRIPT, ScriptOutputType.INTEGER, keys, args);
    }
    return written != null && written == 1L;
  }

  private static String load(String name) {
    try (InputStream in = RouteCacheWriter.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha1(String script) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every JVM", e);
    }
  }
}
