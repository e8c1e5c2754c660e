package dev.trafficmanager.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trafficmanager.api.resolve.NearCacheSettings;
import dev.trafficmanager.cache.RedisSettings;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.embedded.EmbeddedRedisServer;
import dev.trafficmanager.route.CacheEntry;
import dev.trafficmanager.route.RouteInvalidation;
import dev.trafficmanager.route.RouteKey;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-process near cache in front of Redis, with a real Redis and PostgreSQL. Its TTL is ten
 * minutes here, far beyond every wait, so a change seen within a wait was brought by an
 * invalidation, never by expiry.
 */
@ExtendWith(SharedServers.class)
class NearCacheTest {
  private static final String ROUTES = "/api/v1/routes";
  private static final RouteKey ROUTE = RouteKey.parse("acme/billing/prod/v1");
  private static final String URL = "https://billing.example/v1";
  private static final String NEW_URL = "https://billing.example/v2";
  private static final String ELSEWHERE = "https://elsewhere.example/";
  private static final Duration BOUND = Duration.ofSeconds(60);
  private static final Map<String, String> LONG_TTL = Map.of(NearCacheSettings.TTL, "10m");
  private static final String NEAR_REQUESTS = "tm.resolve.near.cache.requests";
  private static final String REDIS_REQUESTS = "tm.resolve.cache.requests";
  private static final String INVALIDATIONS_RECEIVED =
      "tm.resolve.near.cache.invalidations.received";

  @Test
  void aSecondResolveIsAnsweredFromMemoryWithoutAskingRedis(TestEnvironment env) {
    try (RunningApi running = RunningApi.start(env.with(LONG_TTL))) {
      create(running.client());
      assertThat(url(resolve(running.client()))).isEqualTo(URL);
      // Only a resolve that asks Redis could see this.
      putInRedis(env.redis(), CacheEntry.resolving(ELSEWHERE, 9));

      assertThat(url(resolve(running.client()))).isEqualTo(URL);

      assertThat(running.count(NEAR_REQUESTS, "result", "miss")).isEqualTo(1);
      assertThat(running.count(NEAR_REQUESTS, "result", "hit")).isEqualTo(1);
      assertThat(running.count(REDIS_REQUESTS, "result", "miss")).isEqualTo(1);
      assertThat(running.count(REDIS_REQUESTS, "result", "hit")).isZero();
    }
  }

  @Test
  void anInvalidationPublishedAsTheConsumerDoesMakesTheNextResolveReadPostgres(
      TestEnvironment env) {
    try (RunningApi running = RunningApi.start(env.with(LONG_TTL))) {
      ApiClient client = running.client();
      cacheThenChangeBehindTheApisBack(client, env.jdbi());

      deleteFromRedis(env.redis());
      publish(env.redis(), new RouteInvalidation(ROUTE, 2).toMessage());

      awaitResolvesToTheNewUrl(client, "the invalidation reaches the near cache");
      assertThat(resolve(client).json().path("revision").asLong()).isEqualTo(2);
      assertThat(running.count(INVALIDATIONS_RECEIVED)).isEqualTo(1);
    }
  }

  @Test
  void anInvalidationOutranksAnOlderEntryStillInRedis(TestEnvironment env) {
    try (RunningApi running = RunningApi.start(env.with(LONG_TTL))) {
      ApiClient client = running.client();
      cacheThenChangeBehindTheApisBack(client, env.jdbi());
      RedisSettings redis = env.redis();

      // No DEL: Redis still holds revision 1, which the invalidation says is stale.
      publish(redis, new RouteInvalidation(ROUTE, 2).toMessage());

      awaitResolvesToTheNewUrl(client, "the invalidation reaches the near cache");
      String cached = withRedis(redis, commands -> commands.get(redis.keys().route(ROUTE)));
      assertThat(cached)
          .as("PostgreSQL's answer replaced the stale entry")
          .isEqualTo(CacheEntry.resolving(NEW_URL, 2).toJson());
    }
  }

  @Test
  void anUnreadableInvalidationClearsTheWholeNearCache(TestEnvironment env) {
    try (RunningApi running = RunningApi.start(env.with(LONG_TTL))) {
      ApiClient client = running.client();
      cacheThenChangeBehindTheApisBack(client, env.jdbi());

      deleteFromRedis(env.redis());
      publish(env.redis(), "not an invalidation");

      awaitResolvesToTheNewUrl(client, "the near cache is cleared");
    }
  }

  @Test
  void aWriteThroughThisApiIsReadBackAtOnce(TestEnvironment env) {
    try (RunningApi running = RunningApi.start(env.with(LONG_TTL))) {
      ApiClient client = running.client();
      create(client);
      assertThat(url(resolve(client))).isEqualTo(URL);

      ApiClient.Response changed = client.put(ROUTES + "/" + ROUTE, ApiClient.url(NEW_URL));
      assertThat(changed.status()).as(changed.toString()).isEqualTo(200);

      // Redis still holds revision 1: no consumer runs here to delete it.
      assertThat(url(resolve(client))).isEqualTo(NEW_URL);

      ApiClient.Response deactivated =
          client.post(
              ROUTES + "/deactivate",
              ApiClient.key(ROUTE.tenant(), ROUTE.service(), ROUTE.env(), ROUTE.version()));
      assertThat(deactivated.status()).as(deactivated.toString()).isEqualTo(200);

      assertThat(resolve(client).status()).isEqualTo(404);
    }
  }

  @Test
  void aTtlOfZeroKeepsNothingInProcess(TestEnvironment env) {
    try (RunningApi running = RunningApi.start(env.with(Map.of(NearCacheSettings.TTL, "0s")))) {
      ApiClient client = running.client();
      create(client);
      assertThat(url(resolve(client))).isEqualTo(URL);
      putInRedis(env.redis(), CacheEntry.resolving(ELSEWHERE, 9));

      assertThat(url(resolve(client))).isEqualTo(ELSEWHERE);

      assertThat(running.count(NEAR_REQUESTS, "result", "miss")).isZero();
      assertThat(running.count(REDIS_REQUESTS, "result", "hit")).isEqualTo(1);
      assertThat(nearCacheState(client)).isEqualTo("disabled");
    }
  }

  @Test
  void whileRedisIsDownTheNearCacheAnswersAndResubscribingClearsIt(
      TestEnvironment env, @TempDir Path redisData) {
    try (EmbeddedRedisServer redisServer = new EmbeddedRedisServer(redisData, 0)) {
      redisServer.start();
      Settings settings = env.with(Map.of(RedisSettings.URL, redisServer.url()));
      try (RunningApi running = RunningApi.start(settings.with(LONG_TTL))) {
        ApiClient client = running.client();
        create(client);
        awaitNearCache(client, "subscribed");
        assertThat(url(resolve(client))).isEqualTo(URL);

        redisServer.stop();
        awaitNearCache(client, "unsubscribed");
        changeUrlBehindTheApisBack(env.jdbi());
        double redisCalls = running.count(REDIS_REQUESTS, "result", "unavailable");

        assertThat(url(resolve(client))).as("answered from memory").isEqualTo(URL);
        assertThat(running.count(REDIS_REQUESTS, "result", "unavailable")).isEqualTo(redisCalls);

        redisServer.start();
        // What the cache-invalidation consumer does once Redis is back; its message is lost
        // while the API is not subscribed yet.
        deleteFromRedis(RedisSettings.from(settings));

        awaitResolvesToTheNewUrl(client, "the near cache is cleared when the subscription is back");
        awaitNearCache(client, "subscribed");
      }
    }
  }

  private static void create(ApiClient client) {
    ApiClient.Response created =
        client.post(
            ROUTES,
            ApiClient.route(ROUTE.tenant(), ROUTE.service(), ROUTE.env(), ROUTE.version(), URL));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
  }

  private static ApiClient.Response resolve(ApiClient client) {
    return client.get(
        ROUTES
            + "/resolve?tenant="
            + ROUTE.tenant()
            + "&service="
            + ROUTE.service()
            + "&env="
            + ROUTE.env()
            + "&version="
            + ROUTE.version());
  }

  private static String url(ApiClient.Response resolved) {
    assertThat(resolved.status()).as(resolved.toString()).isEqualTo(200);
    return resolved.json().path("url").asText();
  }

  /**
   * Creates the route, lets this API cache it, then changes it in PostgreSQL alone: the API still
   * answers the old URL from memory.
   */
  private static void cacheThenChangeBehindTheApisBack(ApiClient client, Jdbi jdbi) {
    create(client);
    awaitNearCache(client, "subscribed");
    assertThat(url(resolve(client))).isEqualTo(URL);
    changeUrlBehindTheApisBack(jdbi);
    assertThat(url(resolve(client))).as("still the answer in memory").isEqualTo(URL);
  }

  private static void awaitResolvesToTheNewUrl(ApiClient client, String alias) {
    await(alias).atMost(BOUND).until(() -> url(resolve(client)).equals(NEW_URL));
  }

  private static void putInRedis(RedisSettings redis, CacheEntry entry) {
    withRedis(redis, commands -> commands.setex(redis.keys().route(ROUTE), 60, entry.toJson()));
  }

  private static void deleteFromRedis(RedisSettings redis) {
    withRedis(redis, commands -> commands.del(redis.keys().route(ROUTE)));
  }

  private static void publish(RedisSettings redis, String message) {
    withRedis(redis, commands -> commands.publish(redis.keys().invalidations(), message));
  }

  /** As another writer, or an operator with psql, could: no event, no invalidation. */
  private static void changeUrlBehindTheApisBack(Jdbi jdbi) {
    int updated =
        jdbi.withHandle(
            h ->
                h.createUpdate(
                        "UPDATE routes SET url = :url, revision = 2, updated_at = now()"
                            + " WHERE tenant = :tenant AND service = :service AND env = :env"
                            + " AND version = :version")
                    .bind("url", NEW_URL)
                    .bind("tenant", ROUTE.tenant())
                    .bind("service", ROUTE.service())
                    .bind("env", ROUTE.env())
                    .bind("version", ROUTE.version())
                    .execute());
    assertThat(updated).isEqualTo(1);
  }

  private static String nearCacheState(ApiClient client) {
    return RunningApi.component(client.get("/health/ready").json(), "redis")
        .path("near_cache")
        .asText();
  }

  private static void awaitNearCache(ApiClient client, String state) {
    await("the near cache is " + state)
        .atMost(BOUND)
        .until(() -> nearCacheState(client).equals(state));
  }

  private static <T> T withRedis(
      RedisSettings redis, Function<RedisCommands<String, String>, T> use) {
    RedisClient client = redis.newClient();
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      return use.apply(connection.sync());
    } finally {
      client.shutdown();
    }
  }
}
