package dev.trafficmanager.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trafficmanager.api.idempotency.IdempotencySettings;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Idempotency keys live for their retention, then go; a retry after that still writes once. */
@ExtendWith(SharedServers.class)
class IdempotencyKeyRetentionTest {
  private static final Duration BOUND = Duration.ofSeconds(30);
  private static final String ROUTES = "/api/v1/routes";

  private static RunningApi start(TestEnvironment env) {
    return RunningApi.start(
        env.with(
            Map.of(
                IdempotencySettings.RETENTION, "1h",
                IdempotencySettings.SWEEP_INTERVAL, "200ms")));
  }

  @Test
  void keysOlderThanTheRetentionAreDeletedAndYoungerOnesKept(TestEnvironment env) {
    try (RunningApi running = start(env)) {
      Jdbi jdbi = env.jdbi();
      // More than one delete batch of expired keys, and a few that are not expired yet.
      jdbi.useHandle(
          h -> {
            h.execute(
                "INSERT INTO idempotency_keys"
                    + " (idempotency_key, request_hash, status, response_body, created_at)"
                    + " SELECT 'old-' || i, 'h', 201, '{}', now() - interval '2 hours'"
                    + " FROM generate_series(1, 2500) AS i");
            h.execute(
                "INSERT INTO idempotency_keys"
                    + " (idempotency_key, request_hash, status, response_body, created_at)"
                    + " SELECT 'young-' || i, 'h', 201, '{}', now() - interval '50 minutes'"
                    + " FROM generate_series(1, 3) AS i");
          });

      await("the expired keys are swept and counted")
          .atMost(BOUND)
          .until(
              () ->
                  new Rows(jdbi).count("idempotency_keys") == 3
                      && running.count("tm.idempotency.keys.expired") == 2500);
      long young =
          jdbi.withHandle(
              h ->
                  h.createQuery(
                          "SELECT count(*) FROM idempotency_keys"
                              + " WHERE idempotency_key LIKE 'young-%'")
                      .mapTo(Long.class)
                      .one());
      assertThat(young).isEqualTo(3);
    }
  }

  @Test
  void aRetryAfterItsKeyExpiredIsANewRequestThatStillWritesNothingTwice(TestEnvironment env) {
    try (RunningApi running = start(env)) {
      ApiClient client = running.client();
      String key = UUID.randomUUID().toString();
      String body = ApiClient.route("acme", "billing", "prod", "v1", "https://a.example/");
      ApiClient.Response first = client.post(ROUTES, body, "Idempotency-Key", key);
      assertThat(first.status()).as(first.toString()).isEqualTo(201);

      env.jdbi()
          .useHandle(
              h ->
                  h.createUpdate(
                          "UPDATE idempotency_keys SET created_at = now() - interval '2 hours'"
                              + " WHERE idempotency_key LIKE :key")
                      // A key is stored under the tenant of the route it wrote and the token.
                      .bind("key", "acme %/" + key)
                      .execute());
      await("the key expires")
          .atMost(BOUND)
          .until(() -> new Rows(env.jdbi()).count("idempotency_keys") == 0);

      ApiClient.Response retry = client.post(ROUTES, body, "Idempotency-Key", key);

      assertThat(retry.status()).as("the route exists: a create of the same URL").isEqualTo(200);
      assertThat(retry.header("Idempotent-Replayed")).as("not a stored answer").isEmpty();
      assertThat(new Rows(env.jdbi()).outbox("acme/billing/prod/v1")).hasSize(1);
    }
  }
}
