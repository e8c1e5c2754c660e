package dev.trafficmanager.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trafficmanager.api.limits.LimitSettings;
import dev.trafficmanager.database.DatabaseSettings;
import dev.trafficmanager.resilience.BulkheadSettings;
import dev.trafficmanager.resilience.Compartment;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Per-tenant write rate limits through the running API. The limited tenants get an hour's period,
 * so what is admitted does not depend on how fast this machine sends.
 */
@ExtendWith(SharedServers.class)
class WriteRateLimitTest {
  private static final String ROUTES = "/api/v1/routes";
  private static final Duration BOUND = Duration.ofSeconds(30);

  @Test
  void aTenantFloodingWritesGets429sWhileAnotherTenantsWritesAllSucceed(TestEnvironment env)
      throws Exception {
    try (RunningApi running =
        RunningApi.start(env.with(Map.of(LimitSettings.WRITE_RATE_OVERRIDES, "flood=5/1h")))) {
      ApiClient client = running.client();
      ExecutorService pool = Executors.newFixedThreadPool(6);
      List<Future<ApiClient.Response>> flood = new ArrayList<>();
      List<Future<ApiClient.Response>> calm = new ArrayList<>();
      try {
        for (int i = 0; i < 60; i++) {
          String service = "svc-" + i;
          flood.add(pool.submit(() -> create(client, "flood", service)));
          if (i % 3 == 0) {
            calm.add(pool.submit(() -> create(client, "calm", service)));
          }
        }
        List<ApiClient.Response> floodAnswers = answers(flood);
        List<ApiClient.Response> calmAnswers = answers(calm);

        assertThat(calmAnswers)
            .allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(201));
        assertThat(floodAnswers).filteredOn(r -> r.status() == 201).hasSize(5);
        List<ApiClient.Response> refused =
            floodAnswers.stream().filter(r -> r.status() != 201).toList();
        assertThat(refused)
            .hasSize(55)
            .allSatisfy(
                r -> {
                  assertThat(r.status()).as(r.toString()).isEqualTo(429);
                  assertThat(Long.parseLong(r.header("Retry-After").orElseThrow()))
                      .isBetween(1L, 3600L);
                  assertThat(r.json().path("error").asText()).isEqualTo("too_many_requests");
                  assertThat(r.json().path("message").asText()).contains("flood").contains("5/1h");
                });
      } finally {
        pool.shutdownNow();
      }
      Rows rows = new Rows(env.jdbi());
      assertThat(routesOf(env, "flood")).as("routes written for the flooding tenant").isEqualTo(5);
      assertThat(routesOf(env, "calm")).isEqualTo(20);
      assertThat(rows.count("outbox")).as("one event per written route").isEqualTo(25);
      assertThat(running.count("tm.write.rate.limited", "limit", "override")).isEqualTo(55);
      assertThat(running.count("tm.route.writes", "action", "create", "outcome", "rate_limited"))
          .isEqualTo(55);
    }
  }

  @Test
  void aRefusedWriteClaimsNoIdempotencyKeyAndWritesNothing(TestEnvironment env) {
    try (RunningApi running =
        RunningApi.start(env.with(Map.of(LimitSettings.WRITE_RATE_OVERRIDES, "keyed=1/1h")))) {
      ApiClient client = running.client();
      assertThat(create(client, "keyed", "first").status()).isEqualTo(201);

      ApiClient.Response refused =
          client.post(
              ROUTES,
              ApiClient.route("keyed", "second", "prod", "v1", "https://second.example/"),
              "Idempotency-Key",
              "retry-me-later");

      assertThat(refused.status()).as(refused.toString()).isEqualTo(429);
      assertThat(client.get(ROUTES + "/keyed/second/prod/v1").status()).isEqualTo(404);
      assertThat(routesOf(env, "keyed")).isEqualTo(1);
      long keys =
          env.jdbi()
              .withHandle(
                  h ->
                      h.createQuery(
                              "SELECT count(*) FROM idempotency_keys"
                                  + " WHERE idempotency_key LIKE '%retry-me-later%'")
                          .mapTo(Long.class)
                          .one());
      assertThat(keys).as("idempotency keys claimed").isZero();
    }
  }

  @Test
  void aTenantOverItsLimitIsRefusedBeforeItWaitsForTheWriteBulkhead(TestEnvironment env)
      throws Exception {
    try (RunningApi running =
            RunningApi.start(
                env.with(
                    Map.of(
                        LimitSettings.WRITE_RATE_OVERRIDES, "burst=1/1h",
                        BulkheadSettings.WRITES, "2",
                        BulkheadSettings.MAX_WAIT, "10s",
                        DatabaseSettings.STATEMENT_TIMEOUT, "60s")));
        HeldRouteLock lock = HeldRouteLock.create(running.client(), env.jdbi())) {
      ApiClient client = running.client();
      assertThat(create(client, "burst", "first").status()).isEqualTo(201);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        Future<ApiClient.Response> first =
            pool.submit(() -> client.put(HeldRouteLock.ROUTE, ApiClient.url("https://b.example/")));
        Future<ApiClient.Response> second =
            pool.submit(() -> client.put(HeldRouteLock.ROUTE, ApiClient.url("https://c.example/")));
        await("both writes hold the write bulkhead, waiting on the row lock")
            .atMost(BOUND)
            .until(
                () ->
                    running
                            .context()
                            .resilience()
                            .bulkhead(Compartment.WRITES)
                            .getMetrics()
                            .getAvailableConcurrentCalls()
                        == 0);

        ApiClient.Response refused = create(client, "burst", "second");

        assertThat(refused.status()).as("answered at once, not queued").isEqualTo(429);
        lock.release();
        assertThat(first.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(second.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  private static ApiClient.Response create(ApiClient client, String tenant, String service) {
    return client.post(
        ROUTES, ApiClient.route(tenant, service, "prod", "v1", "https://" + service + ".example/"));
  }

  private static List<ApiClient.Response> answers(List<Future<ApiClient.Response>> futures)
      throws Exception {
    List<ApiClient.Response> answers = new ArrayList<>();
    for (Future<ApiClient.Response> future : futures) {
      answers.add(future.get(60, TimeUnit.SECONDS));
    }
    return answers;
  }

  private static long routesOf(TestEnvironment env, String tenant) {
    return env.jdbi()
        .withHandle(
            h ->
                h.createQuery("SELECT count(*) FROM routes WHERE tenant = :tenant")
                    .bind("tenant", tenant)
                    .mapTo(Long.class)
                    .one());
  }
}
