package dev.trafficmanager.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trafficmanager.embedded.EmbeddedRedisServer;
import dev.trafficmanager.route.CacheEntry;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RouteCacheWriterTest {
  private static EmbeddedRedisServer server;
  private static RedisClient client;
  private static StatefulRedisConnection<String, String> connection;

  private final RouteCacheWriter writer = new RouteCacheWriter();
  private final RedisCommands<String, String> redis = connection.sync();

  @BeforeAll
  static void startRedis() {
    server = EmbeddedRedisServer.temporary();
    server.start();
    client = RedisClient.create(server.url());
    connection = client.connect();
  }

  @AfterAll
  static void stopRedis() {
    connection.close();
    client.shutdown();
    server.close();
  }

  @Test
  void writesANewEntryWithItsTtl() {
    assertThat(writer.setIfNotOlder(redis, "k1", CacheEntry.resolving("https://a", 1), ttl()))
        .isTrue();

    assertThat(CacheEntry.parse(redis.get("k1"))).isEqualTo(CacheEntry.resolving("https://a", 1));
    assertThat(redis.pttl("k1")).isBetween(1L, 60_000L);
  }

  @Test
  void neverReplacesANewerRevisionWithAnOlderOne() {
    writer.setIfNotOlder(redis, "k2", CacheEntry.missing(3), ttl());

    assertThat(writer.setIfNotOlder(redis, "k2", CacheEntry.resolving("https://old", 2), ttl()))
        .isFalse();
    assertThat(CacheEntry.parse(redis.get("k2"))).isEqualTo(CacheEntry.missing(3));
  }

  @Test
  void replacesAnOlderOrEqualRevisionAndAnUnreadableValue() {
    redis.set("k3", "not json");
    assertThat(writer.setIfNotOlder(redis, "k3", CacheEntry.resolving("https://a", 1), ttl()))
        .isTrue();
    assertThat(writer.setIfNotOlder(redis, "k3", CacheEntry.resolving("https://b", 1), ttl()))
        .isTrue();
    assertThat(writer.setIfNotOlder(redis, "k3", CacheEntry.missing(2), ttl())).isTrue();

    assertThat(CacheEntry.parse(redis.get("k3"))).isEqualTo(CacheEntry.missing(2));
  }

  @Test
  void worksAgainAfterTheServersScriptCacheIsFlushed() {
    writer.setIfNotOlder(redis, "k4", CacheEntry.resolving("https://a", 1), ttl());
    redis.scriptFlush();

    assertThat(writer.setIfNotOlder(redis, "k4", CacheEntry.resolving("https://b", 2), ttl()))
        .isTrue();
    assertThat(CacheEntry.parse(redis.get("k4")).url()).contains("https://b");
  }

  private static Duration ttl() {
    return Duration.ofSeconds(60);
  }
}
