package dev.trafficmanager.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trafficmanager.config.DatabaseSettings;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedServers.class)
class StatementTimeoutTest {

  @Test
  void aWriteThatOutwaitsTheStatementTimeoutIs503AndWritesNothing(TestEnvironment env) {
    try (RunningApi running =
            RunningApi.start(env.with(Map.of(DatabaseSettings.STATEMENT_TIMEOUT, "300ms")));
        HeldRouteLock lock = HeldRouteLock.create(running.client(), env.jdbi())) {
      ApiClient client = running.client();

      ApiClient.Response stuck =
          client.put(HeldRouteLock.ROUTE, ApiClient.url("https://b.example/"));

      assertThat(stuck.status()).as(stuck.toString()).isEqualTo(503);
      assertThat(stuck.header("Retry-After")).contains("1");
      assertThat(stuck.json().path("reason").asText()).isEqualTo("database_busy");
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
