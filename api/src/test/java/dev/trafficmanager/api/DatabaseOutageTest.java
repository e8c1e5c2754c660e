package dev.trafficmanager.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.database.DatabaseSettings;
import dev.trafficmanager.resilience.BreakerSettings;
import dev.trafficmanager.resilience.Dependency;
import dev.trafficmanager.resilience.RetryBudget;
import dev.trafficmanager.resilience.RetrySettings;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** PostgreSQL going away under a running API: the circuit breaker and the retry budget. */
@ExtendWith(SharedServers.class)
class DatabaseOutageTest {
  private static final Logger log = LoggerFactory.getLogger(DatabaseOutageTest.class);
  private static final String ROUTES = "/api/v1/routes";
  private static final String URL = "https://billing.example/v1";
  private static final Duration BOUND = Duration.ofSeconds(60);

  @Test
  void writesAnswer503AtOnceWhileTheCircuitIsOpenAndSucceedOnceItClosesAfterRecovery(
      TestEnvironment env) {
    Settings settings =
        env.with(
            Map.of(
                DatabaseSettings.CONNECTION_TIMEOUT, "500ms",
                BreakerSettings.DB_MIN_CALLS, "4",
                BreakerSettings.DB_OPEN_WAIT, "5s"));
    env.createTopics();
    DatabaseSwitch database = new DatabaseSwitch(env.database());
    try (RunningApi running = RunningApi.start(settings)) {
      ApiClient client = running.client();
      CircuitBreaker breaker = running.breaker(Dependency.DATABASE);
      assertThat(
              client.post(ROUTES, ApiClient.route("acme", "billing", "prod", "v1", URL)).status())
          .isEqualTo(201);
      assertThat(resolve(client).status()).as("cached in Redis").isEqualTo(200);

      database.cut();
      try {
        await("the circuit opens")
            .atMost(BOUND)
            .until(
                () -> {
                  ApiClient.Response write = deactivate(client);
                  assertThat(write.status()).as(write.toString()).isEqualTo(503);
                  return breaker.getState() == CircuitBreaker.State.OPEN;
                });
        int failedBefore = breaker.getMetrics().getNumberOfFailedCalls();
        long refusedBefore = breaker.getMetrics().getNumberOfNotPermittedCalls();

        ApiClient.Response refused = deactivate(client);

        assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
        assertThat(refused.json().path("error").asText()).isEqualTo("unavailable");
        assertThat(refused.json().path("reason").asText()).isEqualTo("circuit_open");
        assertThat(refused.header("Retry-After"))
            .hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isBetween(1L, 5L));
        // Refused by the breaker without an attempt: nothing waited on the pool's timeout.
        assertThat(breaker.getMetrics().getNumberOfNotPermittedCalls())
            .isEqualTo(refusedBefore + 1);
        assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(failedBefore);

        ApiClient.Response cached = resolve(client);
        assertThat(cached.status()).as("resolve answers from the cache").isEqualTo(200);
        assertThat(cached.json().path("url").asText()).isEqualTo(URL);

        await("readiness reports PostgreSQL down")
            .atMost(BOUND)
            .until(() -> client.get("/health/ready").status() == 503);
        JsonNode ready = client.get("/health/ready").json();
        assertThat(RunningApi.component(ready, "postgresql").path("status").asText())
            .isEqualTo("down");
        assertThat(RunningApi.component(ready, "postgresql").path("reason").asText())
            .as("the driver's message (user, host, database) stays in the log")
            .isIn("PostgreSQL is unreachable", "PostgreSQL has no connection to spare");
        JsonNode resilience = client.get("/health/resilience").json();
        assertThat(
                RunningApi.named(resilience, "circuit_breakers", "name", "postgresql")
                    .path("state")
                    .asText())
            .isEqualTo("open");
        log.info("database down: /health/ready {}", ready);
        log.info("database down: /health/resilience {}", resilience);
      } finally {
        database.restore();
      }

      await("the circuit closes and writes succeed")
          .atMost(BOUND)
          .pollInterval(Duration.ofMillis(200))
          .until(
              () ->
                  client
                              .put(
                                  ROUTES + "/acme/billing/prod/v1",
                                  ApiClient.url("https://billing.example/v2"))
                              .status()
                          == 200
                      && breaker.getState() == CircuitBreaker.State.CLOSED);
      await("ready again").atMost(BOUND).until(() -> client.get("/health/ready").status() == 200);
    }
  }

  @Test
  void writesToAnUnreachableDatabaseAre503AfterOneWaitForAConnectionNotOnePerAttempt(
      TestEnvironment env) throws Exception {
    Settings settings =
        env.with(
            Map.of(
                DatabaseSettings.CONNECTION_TIMEOUT, "250ms",
                // The breaker must not cut the traffic short: this test is about the retries.
                BreakerSettings.DB_MIN_CALLS, "1000000",
                RetrySettings.MAX_ATTEMPTS, "3",
                RetrySettings.BACKOFF_BASE, "10ms",
                RetrySettings.BACKOFF_MAX, "50ms"));
    int requests = 40;
    int poolSize = DatabaseSettings.from(settings).poolSize();
    DatabaseSwitch database = new DatabaseSwitch(env.database());
    try (RunningApi running = RunningApi.start(settings)) {
      RetryBudget budget = running.context().resilience().budget(Dependency.DATABASE);
      database.cut();
      try {
        double attemptsBefore = failedAttempts(running);
        long withdrawalsBefore = budget.withdrawals();

        List<Integer> statuses =
            concurrently(
                8,
                requests,
                i ->
                    running
                        .client()
                        .post(ROUTES, ApiClient.route("acme", "billing", "prod", "v" + i, URL))
                        .status());

        assertThat(statuses).hasSize(requests).containsOnly(503);
        double attempts = failedAttempts(running) - attemptsBefore;
        long retries = budget.withdrawals() - withdrawalsBefore;
        log.info("database down: writes={} attempts={} retries={}", requests, attempts, retries);
        // The pool already spent its connection timeout trying to connect; waiting for it again
        // would triple the time to a 503. Only a pooled connection the outage broke fails fast
        // and is retried, once per connection.
        assertThat(retries)
            .as("retries: one per broken pooled connection at most")
            .isLessThanOrEqualTo(poolSize);
        assertThat(attempts).isLessThanOrEqualTo(requests + poolSize);
      } finally {
        database.restore();
      }
    }
  }

  /** Attempts PostgreSQL failed, as the breaker recorded them (one per try, retries included). */
  private static double failedAttempts(RunningApi running) {
    Timer failed =
        running
            .context()
            .meters()
            .find("resilience4j.circuitbreaker.calls")
            .tags("name", "postgresql", "kind", "failed")
            .timer();
    return failed == null ? 0 : failed.count();
  }

  private static ApiClient.Response deactivate(ApiClient client) {
    return client.post(ROUTES + "/deactivate", ApiClient.key("acme", "billing", "prod", "v1"));
  }

  private static ApiClient.Response resolve(ApiClient client) {
    return client.get(ROUTES + "/resolve?tenant=acme&service=billing&env=prod&version=v1");
  }

  private interface Call {
    int run(int index) throws Exception;
  }

  private static List<Integer> concurrently(int threads, int calls, Call call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Callable<Integer>> tasks = new ArrayList<>();
      for (int i = 0; i < calls; i++) {
        int index = i;
        tasks.add(() -> call.run(index));
      }
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> result : pool.invokeAll(tasks)) {
        statuses.add(result.get());
      }
      return statuses;
    } finally {
      pool.shutdown();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
  }
}
