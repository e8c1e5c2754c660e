package dev.trafficmanager.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trafficmanager.cache.RedisSettings;
import dev.trafficmanager.route.CacheKeys;
import dev.trafficmanager.route.RouteKey;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import dev.trafficmanager.testkit.TestTokens;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedServers.class)
class ResolveTest {
  private static final String ROUTES = "/api/v1/routes";
  private static final String URL = "https://billing.example/v1";

  private static ApiService api;
  private static ApiClient client;
  private static RedisClient redisClient;
  private static StatefulRedisConnection<String, String> redisConnection;
  private static RedisCommands<String, String> redis;
  private static CacheKeys keys;

  @BeforeAll
  static void start(TestEnvironment env) {
    api = new ApiService(env.settings());
    api.start();
    client = new ApiClient(api.httpPort(), TestTokens.admin(env.settings()));
    RedisSettings settings = env.redis();
    keys = settings.keys();
    redisClient = settings.newClient();
    redisConnection = redisClient.connect();
    redis = redisConnection.sync();
  }

  @AfterAll
  static void stop() {
    redisConnection.close();
    redisClient.shutdown();
    api.close();
  }

  private static RouteKey newRoute(String url) {
    RouteKey key =
        new RouteKey("t-" + UUID.randomUUID().toString().substring(0, 8), "billing", "prod", "v1");
    ApiClient.Response created =
        client.post(
            ROUTES, ApiClient.route(key.tenant(), key.service(), key.env(), key.version(), url));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    return key;
  }

  private static ApiClient.Response resolve(ApiClient api, RouteKey key) {
    return api.get(
        ROUTES
            + "/resolve?tenant="
            + key.tenant()
            + "&service="
            + key.service()
            + "&env="
            + key.env()
            + "&version="
            + key.version());
  }

  @Test
  void aCacheMissAnswersFromPostgresAndCachesTheAnswerForTheTtl() {
    RouteKey key = newRoute(URL);
    assertThat(redis.exists(keys.route(key))).isZero();

    ApiClient.Response response = resolve(client, key);

    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    JsonNode body = response.json();
    assertThat(body.path("url").asText()).isEqualTo(URL);
    assertThat(body.path("revision").asLong()).isEqualTo(1);
    assertThat(redis.get(keys.route(key))).isEqualTo("{\"url\":\"" + URL + "\",\"revision\":1}");
    assertThat(redis.ttl(keys.route(key))).isBetween(1L, 60L);
  }

  @Test
  void aCacheHitAnswersFromRedis() {
    RouteKey key = newRoute(URL);
    redis.setex(keys.route(key), 60, "{\"url\":\"https://cached.example/\",\"revision\":9}");

    JsonNode body = resolve(client, key).json();

    assertThat(body.path("url").asText()).isEqualTo("https://cached.example/");
    assertThat(body.path("revision").asLong()).isEqualTo(9);
  }

  @Test
  void anUnknownRouteIs404AndCachedAsMissingAtRevisionZeroForTheNegativeTtl() {
    RouteKey key =
        new RouteKey("t-" + UUID.randomUUID().toString().substring(0, 8), "billing", "prod", "v1");

    ApiClient.Response response = resolve(client, key);

    assertThat(response.status()).as(response.toString()).isEqualTo(404);
    assertThat(response.json().path("error").asText()).isEqualTo("not_found");
    assertThat(redis.get(keys.route(key))).isEqualTo("{\"missing\":true,\"revision\":0}");
    assertThat(redis.ttl(keys.route(key))).isBetween(1L, 10L);
    assertThat(resolve(client, key).status()).isEqualTo(404);
  }

  @Test
  void anInactiveRouteDoesNotResolveAndIsCachedAsMissingAtItsRevision() {
    RouteKey key = newRoute(URL);
    client.post(
        ROUTES + "/deactivate",
        ApiClient.key(key.tenant(), key.service(), key.env(), key.version()));

    ApiClient.Response response = resolve(client, key);

    assertThat(response.status()).as(response.toString()).isEqualTo(404);
    assertThat(redis.get(keys.route(key))).isEqualTo("{\"missing\":true,\"revision\":2}");
  }

  @Test
  void anUnreadableCacheEntryIsReplacedByTheFreshAnswer() {
    RouteKey key = newRoute(URL);
    redis.setex(keys.route(key), 60, "garbage");

    assertThat(resolve(client, key).json().path("url").asText()).isEqualTo(URL);
    assertThat(redis.get(keys.route(key))).isEqualTo("{\"url\":\"" + URL + "\",\"revision\":1}");
  }
}
