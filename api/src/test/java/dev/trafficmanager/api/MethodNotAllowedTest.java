package dev.trafficmanager.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@ExtendWith(SharedServers.class)
class MethodNotAllowedTest {
  private static final String GETS = "GET, HEAD, OPTIONS";

  private static RunningApi running;
  private static ApiClient client;

  @BeforeAll
  static void start(TestEnvironment env) {
    running = RunningApi.start(env.settings());
    client = running.client();
  }

  @AfterAll
  static void stop() {
    running.close();
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "DELETE | /api/v1/routes/acme/checkout/prod/v1 | GET, PUT, HEAD, OPTIONS",
        "POST   | /api/v1/routes/acme/checkout/prod/v1 | GET, PUT, HEAD, OPTIONS",
        "PATCH  | /api/v1/routes                       | GET, POST, HEAD, OPTIONS",
        "DELETE | /api/v1/routes                       | GET, POST, HEAD, OPTIONS",
        "GET    | /api/v1/routes/activate              | POST, OPTIONS",
        "HEAD   | /api/v1/routes/deactivate            | POST, OPTIONS",
        "POST   | /api/v1/routes/resolve               | " + GETS,
        "PUT    | /api/v1/routes/resolve               | " + GETS,
        "POST   | /api/v1/audit/route                  | " + GETS,
        "DELETE | /api/v1/audit/split                  | " + GETS,
        "POST   | /api/v1/audit/recent                 | " + GETS,
        "DELETE | /api/v1/audit/action                 | " + GETS,
        "PUT    | /api/v1/audit/time-range             | " + GETS,
        "POST   | /health                              | " + GETS,
        "POST   | /health/live                         | " + GETS,
        "POST   | /health/ready                        | " + GETS,
        "DELETE | /health/resilience                   | " + GETS,
        "POST   | /metrics                             | " + GETS,
      })
  void aWrongMethodOnAKnownPathIs405WithAllow(String method, String path, String allow) {
    ApiClient.Response response = client.send(method, path, method.equals("GET") ? null : "{}");

    assertThat(response.status()).as(response.toString()).isEqualTo(405);
    assertThat(response.header("Allow")).as(response.toString()).contains(allow);
    if (!method.equals("HEAD")) {
      assertThat(response.json().path("error").asText()).isEqualTo("method_not_allowed");
      assertThat(response.json().path("message").asText()).contains(method, path);
    }
  }

  @Test
  void optionsOnAKnownPathListsItsMethods() {
    ApiClient.Response response = client.send("OPTIONS", "/api/v1/routes", null);

    assertThat(response.status()).isEqualTo(204);
    assertThat(response.header("Allow")).contains("GET, POST, HEAD, OPTIONS");
  }

  @Test
  void headIsAnsweredWhereverGetIs() {
    assertThat(client.send("HEAD", "/health/live", null).status()).isEqualTo(200);
  }

  @Test
  void anUnknownPathIsStill404() {
    assertThat(client.send("POST", "/api/v1/nothing-here", "{}").status()).isEqualTo(404);
    assertThat(client.get("/api/v1/audit").status()).isEqualTo(404);
  }
}
