package dev.trafficmanager.cache;

import dev.trafficmanager.config.InvalidSettingException;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.route.CacheKeys;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import java.time.Duration;

/** The Redis server of the resolve cache and the key prefix this deployment owns there. */
public record RedisSettings(String url, CacheKeys keys, Duration commandTimeout) {
  public static final String URL = "TM_REDIS_URL";
  public static final String KEY_PREFIX = "TM_REDIS_KEY_PREFIX";
  public static final String COMMAND_TIMEOUT = "TM_REDIS_COMMAND_TIMEOUT";

  /**
   * @throws InvalidSettingException naming {@value #URL} when it is not a Redis URL; the message
   *     shows it without its password
   */
  public static RedisSettings from(Settings settings) {
    return new RedisSettings(
        checked(settings.string(URL, "redis://localhost:6379")),
        new CacheKeys(settings.string(KEY_PREFIX, CacheKeys.DEFAULT_PREFIX)),
        settings.duration(COMMAND_TIMEOUT, Duration.ofMillis(500)));
  }

  /**
   * A new client whose commands time out and fail at once while disconnected, instead of queueing:
   * a cache that is down must cost a reader nothing but a fallback.
   */
  public RedisClient newClient() {
    RedisClient client = RedisClient.create(uri());
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
            .build());
    return client;
  }

  private static String checked(String url) {
    try {
      RedisURI.create(url);
      return url;
    } catch (IllegalArgumentException e) {
      // Lettuce's message repeats the whole URL, password included.
      throw new InvalidSettingException(
          URL,
          url.replaceFirst("//[^@/]*@", "//…@"),
          "expected redis://[:password@]host[:port] or rediss://… for TLS");
    }
  }

  /** Names the server by its address: the URL may carry a password. */
  @Override
  public String toString() {
    return "RedisSettings[address="
        + address()
        + ", keys="
        + keys
        + ", commandTimeout="
        + commandTimeout
        + "]";
  }

  /** The server's host and port, for logs: the URL itself may carry a password. */
  public String address() {
    RedisURI uri = RedisURI.create(url);
    return uri.getHost() + ":" + uri.getPort();
  }

  /** The server's address with {@link #commandTimeout()} as its command timeout. */
  public RedisURI uri() {
    RedisURI uri = RedisURI.create(url);
    uri.setTimeout(commandTimeout);
    return uri;
  }
}
