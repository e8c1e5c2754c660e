package dev.trafficmanager.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trafficmanager.cache.RedisFailures;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.database.DatabaseFailures;
import dev.trafficmanager.database.DatabaseSettings;
import dev.trafficmanager.health.ComponentHealth;
import dev.trafficmanager.service.ServiceContext;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import dev.trafficmanager.testkit.TestTokens;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedServers.class)
class ApiServiceTest {
  private static final String ROUTES = "/api/v1/routes";
  private static final String URL = "https://billing.example/v1";

  @Test
  void healthIsUpAndEveryResponseCarriesACorrelationId(TestEnvironment env) {
    try (ApiService api = new ApiService(env.settings())) {
      api.start();
      ApiClient client = new ApiClient(api.httpPort(), TestTokens.admin(env.settings()));

      ApiClient.Response health = client.get("/health");
      assertThat(health.status()).isEqualTo(200);
      assertThat(health.json().path("status").asText()).isEqualTo("up");
      assertThat(health.header("X-Correlation-ID"))
          .hasValueSatisfying(id -> assertThat(id).matches("[0-9a-f-]{36}"));

      assertThat(
              client.get("/health", "X-Correlation-ID", "abc.DEF:1-2_3").header("X-Correlation-ID"))
          .contains("abc.DEF:1-2_3");

      ApiClient.Response unknownPath = client.get("/nowhere", "X-Correlation-ID", "c-404");
      assertThat(unknownPath.status()).isEqualTo(404);
      assertThat(unknownPath.json().path("error").asText()).isEqualTo("not_found");
      assertThat(unknownPath.header("X-Correlation-ID")).contains("c-404");
    }
  }

  @Test
  void httpPortIsOnlyKnownWhileRunningAndCloseMayBeRepeated(TestEnvironment env) {
    ApiService api = new ApiService(env.settings());
    assertThatThrownBy(api::httpPort).isInstanceOf(IllegalStateException.class);
    api.start();
    assertThat(api.httpPort()).isPositive();
    api.close();
    api.close();
    assertThatThrownBy(api::httpPort).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(api::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void anUnreachableDatabaseAnswers503WithRetryAfter(TestEnvironment env) {
    Settings settings = env.with(Map.of(DatabaseSettings.CONNECTION_TIMEOUT, "500ms"));
    DatabaseSwitch database = new DatabaseSwitch(env.database());
    try (ApiService api = new ApiService(settings)) {
      api.start();
      ApiClient client = new ApiClient(api.httpPort(), TestTokens.admin(env.settings()));
      assertThat(
              client.post(ROUTES, ApiClient.route("acme", "billing", "prod", "v1", URL)).status())
          .isEqualTo(201);

      database.cut();
      try {
        for (ApiClient.Response response :
            new ApiClient.Response[] {
              client.post(ROUTES + "/deactivate", ApiClient.key("acme", "billing", "prod", "v1")),
              client.get(ROUTES + "/acme/billing/prod/v1"),
              client.get(ROUTES + "?tenant=acme")
            }) {
          assertThat(response.status()).as(response.toString()).isEqualTo(503);
          assertThat(response.header("Retry-After")).contains("1");
          assertThat(response.json().path("error").asText()).isEqualTo("unavailable");
          assertThat(response.json().path("reason").asText()).isEqualTo("database_unreachable");
        }
      } finally {
        database.restore();
      }
    }
  }

  @Test
  void aServiceWithAContextOfItsOwnClosesItAndOneGivenAContextLeavesItOpen(TestEnvironment env) {
    ServiceContext shared =
        ServiceContext.create(
            env.settings(), "shared", DatabaseFailures.OUTAGE, RedisFailures.OUTAGE);
    try (ApiService api = new ApiService(shared)) {
      api.start();
    }
    assertThat(shared.meters().isClosed()).isFalse();
    shared.close();
  }

  @Test
  void healthChecksCanOnlyBeAddedBeforeStart(TestEnvironment env) {
    try (ApiService api = new ApiService(env.settings())) {
      api.addHealthCheck("extra", false, () -> ComponentHealth.up("extra"));
      api.start();
      assertThatThrownBy(() -> api.addHealthCheck("late", false, () -> ComponentHealth.up("late")))
          .isInstanceOf(IllegalStateException.class);
    }
  }
}
