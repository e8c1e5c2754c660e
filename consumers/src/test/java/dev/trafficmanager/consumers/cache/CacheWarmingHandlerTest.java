package dev.trafficmanager.consumers.cache;

import static dev.trafficmanager.consumers.TestChanges.apply;
import static dev.trafficmanager.consumers.TestChanges.change;
import static dev.trafficmanager.consumers.TestChanges.deactivation;
import static dev.trafficmanager.consumers.TestChanges.url;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trafficmanager.cache.CacheSettings;
import dev.trafficmanager.cache.RedisFailures;
import dev.trafficmanager.cache.RedisSettings;
import dev.trafficmanager.cache.RouteCacheWriter;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.consumers.runner.NonRetriableException;
import dev.trafficmanager.embedded.EmbeddedRedisServer;
import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.event.RouteState;
import dev.trafficmanager.route.CacheEntry;
import dev.trafficmanager.route.RouteKey;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SharedServers.class)
class CacheWarmingHandlerTest {
  private static final RouteKey ROUTE = RouteKey.parse("acme/billing/prod/v1");
  private static final CacheSettings TTLS =
      new CacheSettings(Duration.ofMinutes(5), Duration.ofSeconds(7));

  @Test
  void anActiveRouteIsCachedWithItsUrlAndRevisionForThePositiveTtl(TestEnvironment env) {
    withHandler(
        env,
        (handler, redis, commands) -> {
          apply(handler, change(ROUTE, 2));

          String key = redis.keys().route(ROUTE);
          assertThat(CacheEntry.parse(commands.get(key)))
              .isEqualTo(CacheEntry.resolving(url(ROUTE, 2), 2));
          assertThat(commands.pttl(key)).isBetween(Duration.ofMinutes(4).toMillis(), 300_000L);
        });
  }

  @Test
  void aDeactivatedRouteGetsANegativeEntryForTheNegativeTtl(TestEnvironment env) {
    withHandler(
        env,
        (handler, redis, commands) -> {
          apply(handler, change(ROUTE, 1));
          apply(handler, deactivation(ROUTE, 2));

          String key = redis.keys().route(ROUTE);
          assertThat(CacheEntry.parse(commands.get(key))).isEqualTo(CacheEntry.missing(2));
          assertThat(commands.pttl(key)).isBetween(1L, 7_000L);
        });
  }

  @Test
  void anOlderOrRepeatedChangeNeverTakesTheEntryBackInTime(TestEnvironment env) {
    withHandler(
        env,
        (handler, redis, commands) -> {
          RouteChange third = change(ROUTE, 3);
          apply(handler, third);
          // A replay from an earlier offset, then a duplicate of the newest.
          apply(handler, change(ROUTE, 1));
          apply(handler, change(ROUTE, 2));
          apply(handler, third);

          assertThat(CacheEntry.parse(commands.get(redis.keys().route(ROUTE))))
              .isEqualTo(CacheEntry.resolving(url(ROUTE, 3), 3));
        });
  }

  @Test
  void anActiveRouteWithoutUrlCannotBeCachedAndIsNotRetried(TestEnvironment env) {
    RouteChange good = change(ROUTE, 1);
    RouteState current = good.current();
    RouteChange withoutUrl =
        new RouteChange(
            1,
            good.eventId(),
            good.action(),
            good.routeKey(),
            1,
            null,
            new RouteState(
                current.tenant(),
                current.service(),
                current.env(),
                current.version(),
                null,
                true,
                1,
                current.updatedAt()),
            good.occurredAt(),
            good.actor(),
            good.correlationId());
    withHandler(
        env,
        (handler, redis, commands) ->
            assertThatThrownBy(() -> apply(handler, withoutUrl))
                .isInstanceOf(NonRetriableException.class)
                .hasMessageContaining("no url"));
  }

  @Test
  void throwsAnOutageWhileRedisIsDown(@TempDir Path redisData) {
    // A server that is never started: its port is free, so nothing listens there.
    EmbeddedRedisServer absent = new EmbeddedRedisServer(redisData, 0);
    RedisSettings redis = RedisSettings.from(new Settings(Map.of(RedisSettings.URL, absent.url())));
    RedisClient client = redis.newClient();
    try (CacheWarmingHandler handler =
        new CacheWarmingHandler(client, redis.keys(), TTLS, new RouteCacheWriter())) {
      assertThatThrownBy(() -> apply(handler, change(ROUTE, 1)))
          .isInstanceOf(RedisException.class)
          .matches(e -> RedisFailures.isTransient((RedisException) e), "an outage");
    } finally {
      client.shutdown();
    }
  }

  private static void withHandler(TestEnvironment env, Use use) {
    RedisSettings redis = env.redis();
    RedisClient client = redis.newClient();
    try (StatefulRedisConnection<String, String> connection = client.connect();
        CacheWarmingHandler handler =
            new CacheWarmingHandler(client, redis.keys(), TTLS, new RouteCacheWriter())) {
      use.accept(handler, redis, connection.sync());
    } finally {
      client.shutdown();
    }
  }

  @FunctionalInterface
  private interface Use {
    void accept(
        CacheWarmingHandler handler, RedisSettings redis, RedisCommands<String, String> commands);
  }
}
