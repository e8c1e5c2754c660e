package dev.trafficmanager.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trafficmanager.api.limits.LimitSettings;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The bounds on one request's size: its body, its URL, its headers. */
@ExtendWith(SharedServers.class)
class RequestLimitsTest {
  private static final String ROUTES = "/api/v1/routes";

  private static ApiService api;
  private static ApiClient client;
  private static Rows rows;

  @BeforeAll
  static void start(TestEnvironment env) {
    api = new ApiService(env.settings());
    api.start();
    client = new ApiClient(api.httpPort());
    rows = new Rows(env.jdbi());
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void aBodyOverSixteenKibIs413AndWritesNothing() {
    String padding = " ".repeat((int) LimitSettings.DEFAULT_MAX_BODY_BYTES);
    String body =
        ApiClient.route("big", "checkout", "prod", "v1", "https://big.example/") + padding;

    ApiClient.Response response = client.post(ROUTES, body);

    assertThat(response.status()).as(response.toString()).isEqualTo(413);
    assertThat(response.json().path("error").asText()).isEqualTo("content_too_large");
    assertThat(response.json().path("message").asText()).contains("16384 bytes");
    assertThat(client.get(ROUTES + "/big/checkout/prod/v1").status()).isEqualTo(404);
    assertThat(rows.count("outbox")).isZero();
  }

  @Test
  void aBodyJustUnderTheLimitIsRead() {
    String body = ApiClient.route("fits", "checkout", "prod", "v1", "https://fits.example/");
    String padded = body + " ".repeat((int) LimitSettings.DEFAULT_MAX_BODY_BYTES - body.length());

    assertThat(client.post(ROUTES, padded).status()).isEqualTo(201);
  }

  @Test
  void anOverLongUrlIsRefusedByTheServerInJson() {
    ApiClient.Response response =
        client.get(ROUTES + "/resolve?tenant=" + "a".repeat(10_000) + "&service=s&env=e&version=v");

    assertThat(response.status()).as(response.toString()).isIn(414, 431);
    assertThat(response.header("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).contains("json"));
    assertThat(response.json().path("error").asText()).isNotEmpty();
  }

  @Test
  void overLongHeadersAreRefusedByTheServerInJson() {
    ApiClient.Response response = client.get("/health", "X-Padding", "p".repeat(10_000));

    assertThat(response.status()).as(response.toString()).isEqualTo(431);
    assertThat(response.json().path("error").asText()).isEqualTo("request_header_fields_too_large");
  }

  @Test
  void theBodyLimitIsASetting(TestEnvironment env) {
    try (ApiService small = new ApiService(env.with(Map.of(LimitSettings.MAX_BODY, "4KiB")))) {
      small.start();
      ApiClient smallClient = new ApiClient(small.httpPort());
      String body =
          ApiClient.route("small", "checkout", "prod", "v1", "https://small.example/")
              + " ".repeat(5000);

      assertThat(smallClient.post(ROUTES, body).status()).isEqualTo(413);
    }
  }
}
