package dev.trafficmanager.cache;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A Lua script of the resolve cache, loaded from this package's resources, called by its SHA-1
 * ({@code EVALSHA}) so that only the first call on a server sends its text.
 */
final class CacheScript {
  private final String source;
  private final String sha;

  private CacheScript(String source) {
    this.source = source;
    this.sha = sha1(source);
  }

  static CacheScript load(String resource) {
    try (InputStream in = CacheScript.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return new CacheScript(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs the script and waits; a server that does not know it yet gets its text. */
  // Lettuce's evalsha/eval have this signature: the type of the reply follows ScriptOutputType.
  @SuppressWarnings("TypeParameterUnusedInFormals")
  <T> T call(
      RedisCommands<String, String> redis, ScriptOutputType type, String[] keys, String[] args) {
    try {
      return redis.evalsha(sha, type, keys, args);
    } catch (RedisNoScriptException e) {
      // First use on this server (or after a restart or SCRIPT FLUSH): EVAL caches it again.
      return redis.eval(source, type, keys, args);
    }
  }

  /**
   * Sends the script by its SHA-1 without waiting, for a pipeline: its future fails with {@link
   * RedisNoScriptException} on a server that does not know it yet (see {@link
   * #load(RedisCommands)}).
   */
  <T> RedisFuture<T> send(
      RedisAsyncCommands<String, String> redis,
      ScriptOutputType type,
      String[] keys,
      String[] args) {
    return redis.evalsha(sha, type, keys, args);
  }

  /** Makes the server know the script, so that {@link #send} finds it. */
  void load(RedisCommands<String, String> redis) {
    String loaded = redis.scriptLoad(source);
    if (!Objects.equals(loaded, sha)) {
      throw new IllegalStateException("Redis computed another SHA-1 for the script: " + loaded);
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
