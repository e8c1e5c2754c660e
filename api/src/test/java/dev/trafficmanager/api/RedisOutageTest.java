package dev.trafficmanager.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trafficmanager.api.resolve.NearCacheSettings;
import dev.trafficmanager.cache.RedisSettings;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
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
      create(client);

      for (int i = 0; i < 20; i++) {
        ApiClient.Response known = resolve(client, "v1");
        assertThat(known.status()).as(known.toString()).isEqualTo(200);
        assertThat(known.json().path("url").asText()).isEqualTo(URL);
        assertThat(resolve(client, "v2").status()).isEqualTo(404);
      }

      assertThat(cacheRequests(running, "unavailable")).isEqualTo(40);
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
      try (RunningApi running = RunningApi.start(settings(env, redis, "1s"))) {
        ApiClient client = running.client();
        CircuitBreaker breaker = running.breaker(Dependency.REDIS);
        create(client);
        resolve(client, "v1");
        resolve(client, "v1");
        assertThat(cacheRequests(running, "hit")).isEqualTo(1);

        redis.stop();

        resolveUntil(
            client,
            "the redis circuit opens while every resolve still answers",
            () -> breaker.getState() == CircuitBreaker.State.OPEN);
        assertThat(client.get("/health/ready").json().path("status").asText())
            .isEqualTo("degraded");

        redis.start();

        resolveUntil(
            client,
            "the cache answers again and the circuit closes",
            () -> breaker.getState() == CircuitBreaker.State.CLOSED);
        double hits = cacheRequests(running, "hit");
        resolve(client, "v1");
        assertThat(cacheRequests(running, "hit")).isEqualTo(hits + 1);
        assertThat(client.get("/health/ready").json().path("status").asText()).isEqualTo("up");
      }
    }
  }

  @Test
  void aRedisThatWasDownAtStartUpIsUsedFromTheBreakersFirstProbe(TestEnvironment env) {
    try (EmbeddedRedisServer redis = new EmbeddedRedisServer(dataDir, 0);
        RunningApi running = RunningApi.start(settings(env, redis, "2s"))) {
      ApiClient client = running.client();
      CircuitBreaker breaker = running.breaker(Dependency.REDIS);
      create(client);
      resolveUntil(
          client,
          "the redis circuit opens while every resolve still answers",
          () -> breaker.getState() == CircuitBreaker.State.OPEN);
      List<CircuitBreaker.StateTransition> transitions = new CopyOnWriteArrayList<>();
      breaker
          .getEventPublisher()
          .onStateTransition(event -> transitions.add(event.getStateTransition()));

      redis.start();

      // Nothing reaches for Redis now: only the connection's own retries can bring it back.
      await("the cache connects with no resolve to ask for it")
          .atMost(BOUND)
          .until(() -> redisHealth(client).path("connected").asBoolean());
      assertThat(breaker.getState())
          .as("no call reached the breaker")
          .isEqualTo(CircuitBreaker.State.OPEN);

      AtomicReference<Double> unavailableBeforeProbe = new AtomicReference<>();
      await("the breaker lets its first probe through")
          .atMost(BOUND)
          .until(
              () -> {
                unavailableBeforeProbe.set(cacheRequests(running, "unavailable"));
                assertThat(resolve(client, "v1").status()).isEqualTo(200);
                return breaker.getState() != CircuitBreaker.State.OPEN;
              });
      assertThat(cacheRequests(running, "unavailable"))
          .as("the first probe is answered by Redis")
          .isEqualTo(unavailableBeforeProbe.get());
      assertThat(cacheRequests(running, "miss")).isEqualTo(1);

      resolveUntil(
          client, "the circuit closes", () -> breaker.getState() == CircuitBreaker.State.CLOSED);
      assertThat(cacheRequests(running, "unavailable"))
          .as("no resolve since the probe went without the cache")
          .isEqualTo(unavailableBeforeProbe.get());
      assertThat(cacheRequests(running, "hit")).isPositive();
      assertThat(transitions)
          .as("closed from the first half-open period, with no second open wait")
          .containsExactly(
              CircuitBreaker.StateTransition.OPEN_TO_HALF_OPEN,
              CircuitBreaker.StateTransition.HALF_OPEN_TO_CLOSED);
      assertThat(redisHealth(client).path("status").asText()).isEqualTo("up");
    }
  }

  private static JsonNode redisHealth(ApiClient client) {
    return RunningApi.component(client.get("/health/ready").json(), "redis");
  }

  /** No near cache: every resolve must reach for Redis, to count its hits and failures. */
  private static Settings settings(
      TestEnvironment env, EmbeddedRedisServer redis, String breakerOpenWait) {
    return env.with(
        Map.of(
            RedisSettings.URL,
            redis.url(),
            BreakerSettings.REDIS_MIN_CALLS,
            "5",
            BreakerSettings.REDIS_OPEN_WAIT,
            breakerOpenWait,
            NearCacheSettings.TTL,
            "0s"));
  }

  private static void create(ApiClient client) {
    assertThat(client.post(ROUTES, ApiClient.route("acme", "billing", "prod", "v1", URL)).status())
        .isEqualTo(201);
  }

  /** Resolves, each answered, until {@code done}. */
  private static void resolveUntil(ApiClient client, String alias, Callable<Boolean> done) {
    await(alias)
        .atMost(BOUND)
        .until(
            () -> {
              assertThat(resolve(client, "v1").status()).isEqualTo(200);
              return done.call();
            });
  }

  private static double cacheRequests(RunningApi running, String result) {
    return running.count("tm.resolve.cache.requests", "result", result);
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
