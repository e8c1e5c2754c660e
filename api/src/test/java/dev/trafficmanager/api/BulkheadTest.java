package dev.trafficmanager.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trafficmanager.database.DatabaseSettings;
import dev.trafficmanager.resilience.BulkheadSettings;
import dev.trafficmanager.resilience.Compartment;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import io.github.resilience4j.bulkhead.Bulkhead;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedServers.class)
class BulkheadTest {
  private static final String ROUTES = "/api/v1/routes";
  private static final String ROUTE = HeldRouteLock.ROUTE;
  private static final Duration BOUND = Duration.ofSeconds(30);

  @Test
  void writesBeyondTheLimitAnswer503AtOnceWhileTheAdmittedOnesSucceed(TestEnvironment env)
      throws Exception {
    try (RunningApi running =
            RunningApi.start(
                env.with(
                    Map.of(
                        BulkheadSettings.WRITES, "2",
                        // The admitted writes wait on a row lock the test holds.
                        DatabaseSettings.STATEMENT_TIMEOUT, "60s")));
        HeldRouteLock lock = HeldRouteLock.create(running.client(), env.jdbi())) {
      ApiClient client = running.client();
      Bulkhead writes = running.context().resilience().bulkhead(Compartment.WRITES);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        Future<ApiClient.Response> first =
            pool.submit(() -> client.put(ROUTE, ApiClient.url("https://b.example/")));
        Future<ApiClient.Response> second =
            pool.submit(() -> client.put(ROUTE, ApiClient.url("https://c.example/")));
        await("both writes are admitted and wait on the row lock")
            .atMost(BOUND)
            .until(() -> writes.getMetrics().getAvailableConcurrentCalls() == 0);

        for (int i = 0; i < 3; i++) {
          ApiClient.Response excess =
              client.post(ROUTES + "/deactivate", ApiClient.key("acme", "billing", "prod", "v1"));
          assertThat(excess.status()).as(excess.toString()).isEqualTo(503);
          assertThat(excess.header("Retry-After")).contains("1");
          assertThat(excess.json().path("reason").asText()).isEqualTo("overloaded");
        }
        assertThat(client.get(ROUTE).status())
            .as("reads have a bulkhead of their own")
            .isEqualTo(200);
        JsonNode resilience = client.get("/health/resilience").json();
        assertThat(
                RunningApi.named(resilience, "bulkheads", "name", "writes").path("in_use").asInt())
            .isEqualTo(2);
        assertThat(first.isDone() || second.isDone())
            .as("the admitted writes still wait")
            .isFalse();

        lock.release();

        assertThat(first.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(second.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
      } finally {
        pool.shutdownNow();
      }
      assertThat(running.count("tm.route.writes", "action", "deactivate", "outcome", "unavailable"))
          .isEqualTo(3);
      assertThat(running.count("tm.route.writes", "action", "change_url", "outcome", "changed"))
          .isEqualTo(2);
    }
  }
}
