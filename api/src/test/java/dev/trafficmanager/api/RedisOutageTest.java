package dev.trafficmanager.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trafficmanager.api.resolve.NearCacheSettings;
import dev.trafficmanager.config.RedisSettings;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.embedded.EmbeddedRedisServer;
import dev.trafficmanager.resilience.BreakerSettings;
import dev.trafficmanager.resilience.Dependency;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

@ExtendWith(SharedServers.class)
class RedisOutageTest {
  private static final Logger log = LoggerFactory.getLogger(RedisOutageTest.class);
  private static final String ROUTES = "/api/v1/routes";
  private static final String URL = "https://billing.example/v1";
  private static final Duration BOUND = Duration.ofSeconds(60);

  @TempDir Path dataDir;

  @Test
  void resolveAnswersFromPostgresWithoutErrorsWhileRedisIsUnreachable(TestEnvironment env) {
    // No near cache: every resolve must reach for Redis, to count its failures and open the
    // circuit.
    Settings settings =
        env.with(
            Map.of(
                RedisSettings.URL,
                "redis://127.0.0.1:" + closedPort(),
                BreakerSettings.REDIS_MIN_CALLS,
                "5",
                NearCacheSettings.TTL,
                "0s"));
    try (RunningApi running = RunningApi.start(settings)) {
      ApiClient client = running.client();
      assertThat(
              client.post(ROUTES, ApiClient.route("acme", "billing", "prod", "v1", URL)).status())
          .isEqualTo(201);

      for (int i = 0; i < 20; i++) {
        ApiClient.Response known = resolve(client, "v1");
        assertThat(known.status()).as(known.toString()).isEqualTo(200);
        assertThat(known.json().path("url").asText()).isEqualTo(URL);
        assertThat(resolve(client, "v2").status()).isEqualTo(404);
      }

      assertThat(running.count("tm.resolve.cache.requests", "result", "unavailable")).isEqualTo(40);
      assertThat(running.breaker(Dependency.REDIS).getState()).isEqualTo(CircuitBreaker.State.OPEN);
      ApiClient.Response ready = client.get("/health/ready");
      assertThat(ready.status()).as("Redis down alone leaves the API ready").isEqualTo(200);
      assertThat(ready.json().path("status").asText()).isEqualTo("degraded");
      assertThat(RunningApi.component(ready.json(), "redis").path("status").asText())
          .isEqualTo("down");
      assertThat(RunningApi.component(ready.json(), "postgresql").path("status").asText())
          .isEqualTo("up");
      log.info("redis down: /health/ready {}", ready.json());
      log.info("redis down: /health/resilience {}", client.get("/health/resilience").json());
    }
  }

  @Test
  void theCacheIsUsedAgainOnceRedisReturns(TestEnvironment env) {
    try (EmbeddedRedisServer redis = new EmbeddedRedisServer(dataDir, 0)) {
      redis.start();
      // No near cache: every resolve must reach for Redis, to count its hits and failures.
      Settings settings =
          env.with(
              Map.of(
                  RedisSettings.URL, redis.url(),
                  BreakerSettings.REDIS_MIN_CALLS, "5",
                  BreakerSettings.REDIS_OPEN_WAIT, "1s",
                  NearCacheSettings.TTL, "0s"));
      try (RunningApi running = RunningApi.start(settings)) {
        ApiClient client = running.client();
        CircuitBreaker breaker = running.breaker(Dependency.REDIS);
        assertThat(
                client.post(ROUTES, ApiClient.route("acme", "billing", "prod", "v1", URL)).status())
            .isEqualTo(201);
        resolve(client, "v1");
        resolve(client, "v1");
        assertThat(running.count("tm.resolve.cache.requests", "result", "hit")).isEqualTo(1);

        redis.stop();

        await("the redis circuit opens while every resolve still answers")
            .atMost(BOUND)
            .until(
                () -> {
                  assertThat(resolve(client, "v1").status()).isEqualTo(200);
                  return breaker.getState() == CircuitBreaker.State.OPEN;
                });
        assertThat(client.get("/health/ready").json().path("status").asText())
            .isEqualTo("degraded");

        redis.start();

        await("the cache answers again and the circuit closes")
            .atMost(BOUND)
            .pollInterval(Duration.ofMillis(200))
            .until(
                () -> {
                  assertThat(resolve(client, "v1").status()).isEqualTo(200);
                  return breaker.getState() == CircuitBreaker.State.CLOSED;
                });
        double hits = running.count("tm.resolve.cache.requests", "result", "hit");
        resolve(client, "v1");
        assertThat(running.count("tm.resolve.cache.requests", "result", "hit")).isEqualTo(hits + 1);
        assertThat(client.get("/health/ready").json().path("status").asText()).isEqualTo("up");
      }
    }
  }

  private static ApiClient.Response resolve(ApiClient client, String version) {
    return client.get(ROUTES + "/resolve?tenant=acme&service=billing&env=prod&version=" + version);
  }

  /** A port nothing listens on: bound once to get a free number, then released. */
  private static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
