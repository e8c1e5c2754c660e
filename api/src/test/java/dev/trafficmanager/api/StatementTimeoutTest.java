package dev.trafficmanager.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trafficmanager.database.DatabaseSettings;
import dev.trafficmanager.resilience.Dependency;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedServers.class)
class StatementTimeoutTest {

  @Test
  void writesThatOutwaitTheStatementTimeoutAre503WriteNothingAndLeaveTheCircuitClosed(
      TestEnvironment env) {
    try (RunningApi running =
            RunningApi.start(env.with(Map.of(DatabaseSettings.STATEMENT_TIMEOUT, "300ms")));
        HeldRouteLock lock = HeldRouteLock.create(running.client(), env.jdbi())) {
      ApiClient client = running.client();

      ApiClient.Response stuck =
          client.put(HeldRouteLock.ROUTE, ApiClient.url("https://b.example/"));

      assertThat(stuck.status()).as(stuck.toString()).isEqualTo(503);
      assertThat(stuck.header("Retry-After")).contains("1");
      assertThat(stuck.json().path("reason").asText()).isEqualTo("database_busy");
      for (int i = 0; i < 11; i++) {
        assertThat(client.put(HeldRouteLock.ROUTE, ApiClient.url("https://b.example/")).status())
            .isEqualTo(503);
      }
      CircuitBreaker breaker = running.breaker(Dependency.DATABASE);
      assertThat(breaker.getMetrics().getNumberOfFailedCalls())
          .as("one locked route is not a database outage")
          .isZero();
      assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
      assertThat(client.get("/api/v1/routes/acme/billing/prod/v1").status())
          .as("other work goes on")
          .isEqualTo(200);
      assertThat(new Rows(env.jdbi()).outbox("acme/billing/prod/v1"))
          .as("only the create's event")
          .hasSize(1);

      lock.release();

      ApiClient.Response retried =
          client.put(HeldRouteLock.ROUTE, ApiClient.url("https://b.example/"));
      assertThat(retried.status()).as(retried.toString()).isEqualTo(200);
      assertThat(retried.json().path("revision").asLong()).isEqualTo(2);
    }
  }
}
