package dev.trafficmanager.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import dev.trafficmanager.testkit.TestTokens;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@ExtendWith(SharedServers.class)
class BadInputTest {
  private static final String ROUTES = "/api/v1/routes";
  private static final String URL = "https://billing.example/v1";

  private static ApiService api;
  private static ApiClient client;
  private static Rows rows;

  @BeforeAll
  static void start(TestEnvironment env) {
    api = new ApiService(env.settings());
    api.start();
    client = new ApiClient(api.httpPort(), TestTokens.admin(env.settings()));
    rows = new Rows(env.jdbi());
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  /** One bad request and the field (or header, or query parameter) the 400 must name. */
  record Case(
      String name, String method, String path, String body, List<String> headers, String field) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Case post(String name, String body, String field) {
    return new Case(name, "POST", ROUTES, body, List.of(), field);
  }

  private static String quoted(String value) {
    return "\"" + value + "\"";
  }

  static Stream<Case> badRequests() {
    String good = ApiClient.route("acme", "billing", "prod", "v1", URL);
    String longUrl =
        "https://billing.example/" + "a".repeat(2049 - "https://billing.example/".length());
    return Stream.of(
        post("malformed JSON", "{\"tenant\":", "body"),
        post("trailing garbage", good + " x", "body"),
        post("duplicate key", good.replace("{", "{\"tenant\":\"acme\","), "body"),
        post("url is a number", good.replace(quoted(URL), "5"), "url"),
        post(
            "url with credentials",
            ApiClient.route("acme", "billing", "prod", "v1", "https://user:pass@billing.example/"),
            "url"),
        post(
            "url host of 254 characters",
            ApiClient.route(
                "acme", "billing", "prod", "v1", "https://" + "a.".repeat(123) + "examples/"),
            "url"),
        post(
            "url to the cloud metadata service",
            ApiClient.route("acme", "billing", "prod", "v1", "http://169.254.169.254/latest/"),
            "url"),
        post("tenant is a boolean", good.replace(quoted("acme"), "true"), "tenant"),
        post("version missing", good.replace("\"version\":\"v1\",", ""), "version"),
        post("url null", good.replace(quoted(URL), "null"), "url"),
        post("tenant upper case", ApiClient.route("Acme", "billing", "prod", "v1", URL), "tenant"),
        post("tenant empty", ApiClient.route("", "billing", "prod", "v1", URL), "tenant"),
        post(
            "service starts with a dash",
            ApiClient.route("acme", "-billing", "prod", "v1", URL),
            "service"),
        post(
            "service has a slash",
            ApiClient.route("acme", "bill/ing", "prod", "v1", URL),
            "service"),
        post("env has a space", ApiClient.route("acme", "billing", "prod env", "v1", URL), "env"),
        post(
            "version of 64 characters",
            ApiClient.route("acme", "billing", "prod", "v" + "1".repeat(63), URL),
            "version"),
        post(
            "url is ftp",
            ApiClient.route("acme", "billing", "prod", "v1", "ftp://billing.example/"),
            "url"),
        post(
            "url is relative", ApiClient.route("acme", "billing", "prod", "v1", "/billing"), "url"),
        post(
            "url of 2049 characters",
            ApiClient.route("acme", "billing", "prod", "v1", longUrl),
            "url"),
        post("body is an array", "[" + good + "]", "body"),
        post("body is a string", "\"" + URL + "\"", "body"),
        post("body is null", "null", "body"),
        post("body is empty", "", "body"),
        new Case(
            "correlation id has a space",
            "POST",
            ROUTES,
            good,
            List.of("X-Correlation-ID", "bad id"),
            "X-Correlation-ID"),
        new Case(
            "correlation id of 129 characters",
            "POST",
            ROUTES,
            good,
            List.of("X-Correlation-ID", "c".repeat(129)),
            "X-Correlation-ID"),
        new Case(
            "actor of 257 characters",
            "POST",
            ROUTES,
            good,
            List.of("X-Actor", "a".repeat(257)),
            "X-Actor"),
        new Case(
            "idempotency key of 256 characters",
            "POST",
            ROUTES,
            good,
            List.of("Idempotency-Key", "k".repeat(256)),
            "Idempotency-Key"),
        new Case(
            "activate with a bad version",
            "POST",
            ROUTES + "/activate",
            ApiClient.key("acme", "billing", "prod", "V1"),
            List.of(),
            "version"),
        new Case(
            "deactivate with no fields", "POST", ROUTES + "/deactivate", "{}", List.of(), "tenant"),
        new Case(
            "url change with a bad service in the path",
            "PUT",
            ROUTES + "/acme/Billing/prod/v1",
            ApiClient.url(URL),
            List.of(),
            "service"),
        new Case(
            "url change without url",
            "PUT",
            ROUTES + "/acme/billing/prod/v1",
            "{}",
            List.of(),
            "url"),
        new Case(
            "url change to mailto",
            "PUT",
            ROUTES + "/acme/billing/prod/v1",
            ApiClient.url("mailto:ops@billing.example"),
            List.of(),
            "url"),
        new Case(
            "get with a bad env", "GET", ROUTES + "/acme/billing/PROD/v1", null, List.of(), "env"),
        new Case("list without tenant", "GET", ROUTES, null, List.of(), "tenant"),
        new Case(
            "list with limit 0", "GET", ROUTES + "?tenant=acme&limit=0", null, List.of(), "limit"),
        new Case(
            "list with limit 501",
            "GET",
            ROUTES + "?tenant=acme&limit=501",
            null,
            List.of(),
            "limit"),
        new Case(
            "list with a bad cursor",
            "GET",
            ROUTES + "?tenant=acme&cursor=%21%21",
            null,
            List.of(),
            "cursor"),
        // Without a version, resolve picks one by the service's split (SplitsTest): a 404 when
        // there is none, a 400 only for bad parameters.
        new Case(
            "resolve by split with a hash key over 256 characters",
            "GET",
            ROUTES + "/resolve?tenant=acme&service=billing&env=prod&hash_key=" + "k".repeat(257),
            null,
            List.of(),
            "hash_key"),
        new Case(
            "resolve by split with a bad env",
            "GET",
            ROUTES + "/resolve?tenant=acme&service=billing&env=Prod",
            null,
            List.of(),
            "env"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequests")
  void badInputIsRejectedWithTheFieldNamedAndNothingWritten(Case bad) {
    ApiClient.Response response =
        client.send(bad.method(), bad.path(), bad.body(), bad.headers().toArray(String[]::new));

    assertThat(response.status()).as(response.toString()).isEqualTo(400);
    assertThat(response.header("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    assertThat(response.header("X-Correlation-ID")).isPresent();
    JsonNode body = response.json();
    assertThat(body.path("error").asText()).isEqualTo("invalid_request");
    assertThat(body.path("message").asText()).isNotBlank();
    List<String> fields = new ArrayList<>();
    body.path("violations").forEach(v -> fields.add(v.path("field").asText()));
    assertThat(fields).as(response.toString()).contains(bad.field());
    body.path("violations").forEach(v -> assertThat(v.path("rule").asText()).isNotBlank());
    assertThat(rows.count("routes")).isZero();
    assertThat(rows.count("outbox")).isZero();
    assertThat(rows.count("idempotency_keys")).isZero();
  }
}
