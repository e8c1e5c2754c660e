package dev.trafficmanager.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import dev.trafficmanager.testkit.TestTokens;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every {@code /api/v1} endpoint refuses a request without a valid token (401) and one whose token
 * lacks the scope or the tenant (403), and such a request writes nothing: no route, no token, no
 * event on {@code route-events}.
 */
@ExtendWith(SharedServers.class)
class AuthenticationTest {
  private static final String VICTIM = "victim";
  private static final String REFUSED_KEY = "refused-write";
  private static final String URL = "https://victim.example";
  private static final List<String> TENANT_SCOPES =
      List.of("routes:write", "routes:read", "audit:read");

  private static TestEnvironment env;
  private static RunningApi running;
  private static ApiClient admin;
  private static long tokensBefore;

  /** One request to an endpoint, and the scope it needs for {@link #VICTIM}. */
  private record Call(String method, String path, String body, String scope) {
    String operation() {
      String template =
          path.replaceFirst("\\?.*", "")
              .replace("/" + VICTIM + "/checkout/prod/v1", "/{tenant}/{service}/{env}/{version}")
              .replace("/" + VICTIM + "/checkout/prod", "/{tenant}/{service}/{env}")
              .replaceFirst("/tokens/\\d+$", "/tokens/{id}");
      return method + " " + template;
    }

    /** Sends the call with an idempotency key, which a refused write must not claim. */
    ApiClient.Response send(ApiClient client, String... headers) {
      List<String> withKey = new ArrayList<>(List.of(headers));
      withKey.addAll(List.of("Idempotency-Key", REFUSED_KEY));
      return client.send(method, path, body, withKey.toArray(String[]::new));
    }
  }

  private static List<Call> calls() {
    String routes = "/api/v1/routes";
    String key = ApiClient.key(VICTIM, "checkout", "prod", "v1");
    String filters = "tenant=" + VICTIM;
    String route = "service=checkout&env=prod&version=v1";
    String split = "/api/v1/splits/" + VICTIM + "/checkout/prod";
    return List.of(
        new Call(
            "POST", routes, ApiClient.route(VICTIM, "checkout", "prod", "v1", URL), "routes:write"),
        new Call("POST", routes + "/activate", key, "routes:write"),
        new Call("POST", routes + "/deactivate", key, "routes:write"),
        new Call(
            "PUT",
            routes + "/" + VICTIM + "/checkout/prod/v1",
            ApiClient.url(URL + "/2"),
            "routes:write"),
        new Call("GET", routes + "?" + filters, null, "routes:read"),
        new Call("GET", routes + "/" + VICTIM + "/checkout/prod/v1", null, "routes:read"),
        new Call("GET", routes + "/resolve?" + filters + "&" + route, null, "routes:read"),
        new Call("GET", routes + "/watch?" + filters + "&index=0&wait=0s", null, "routes:read"),
        new Call("GET", routes + "/stream?" + filters, null, "routes:read"),
        new Call(
            "GET",
            routes + "/resolve?" + filters + "&service=checkout&env=prod&hash_key=u1",
            null,
            "routes:read"),
        new Call("PUT", split, "{\"weights\":{\"v1\":100}}", "routes:write"),
        new Call("DELETE", split, null, "routes:write"),
        new Call("GET", split, null, "routes:read"),
        new Call("GET", "/api/v1/splits?" + filters, null, "routes:read"),
        new Call("GET", "/api/v1/audit/route?" + filters + "&" + route, null, "audit:read"),
        new Call(
            "GET",
            "/api/v1/audit/split?" + filters + "&service=checkout&env=prod",
            null,
            "audit:read"),
        new Call("GET", "/api/v1/audit/recent?" + filters, null, "audit:read"),
        new Call("GET", "/api/v1/audit/action?action=created&" + filters, null, "audit:read"),
        new Call(
            "GET",
            "/api/v1/audit/time-range?start_time=2026-01-01T00:00:00Z&end_time=2027-01-01T00:00:00Z&"
                + filters,
            null,
            "audit:read"),
        new Call("GET", "/api/v1/pipeline", null, "admin"),
        new Call(
            "GET",
            "/api/v1/dead-letters?topic=" + env.topics().routeEventsDlq().name(),
            null,
            "admin"),
        new Call(
            "POST", "/api/v1/tokens", "{\"name\":\"intruder\",\"scopes\":[\"admin\"]}", "admin"),
        new Call("GET", "/api/v1/tokens", null, "admin"),
        new Call("DELETE", "/api/v1/tokens/1", null, "admin"));
  }

  @BeforeAll
  static void start(TestEnvironment environment) {
    env = environment;
    env.createTopics();
    running = RunningApi.start(env.settings());
    admin = running.client();
    tokensBefore = new Rows(env.jdbi()).count("api_tokens");
  }

  @AfterAll
  static void stop() {
    running.close();
  }

  @Test
  void theCasesCoverEveryApiEndpoint() {
    assertThat(calls().stream().map(Call::operation).collect(Collectors.toSet()))
        .containsExactlyInAnyOrderElementsOf(
            running.api().httpOperations().stream()
                .filter(operation -> operation.contains(" /api/"))
                .toList());
  }

  @Test
  void everyEndpointAnswers401WithoutATokenAndWritesNothing() {
    ApiClient anonymous = admin.withoutToken();
    for (Call call : calls()) {
      ApiClient.Response response = call.send(anonymous);
      assertThat(response.status()).as(response.toString()).isEqualTo(401);
      assertThat(response.header("WWW-Authenticate")).hasValue("Bearer realm=\"traffic-manager\"");
      assertThat(response.json().path("error").asText()).isEqualTo("unauthorized");
    }
    assertNothingWritten();
  }

  @Test
  void malformedUnknownExpiredAndRevokedTokensAre401InvalidToken() {
    String expired =
        TestTokens.create(
            env.settings(),
            "expired",
            List.of(VICTIM),
            TENANT_SCOPES,
            Optional.of(Instant.now().minusSeconds(1)));
    String revoked = token("revoked", List.of(VICTIM), TENANT_SCOPES);
    long revokedId = idOf("revoked");
    assertThat(admin.delete("/api/v1/tokens/" + revokedId).status()).isEqualTo(204);
    String unknown = "tm_" + "A".repeat(43);

    for (String authorization :
        List.of(
            "Bearer " + expired,
            "Bearer " + revoked,
            "Bearer " + unknown,
            "Bearer not-a-token",
            "Basic dXNlcjpwYXNz",
            "Bearer")) {
      for (Call call : calls()) {
        ApiClient.Response response = call.send(admin, "Authorization", authorization);
        assertThat(response.status()).as(authorization + ": " + response).isEqualTo(401);
        assertThat(response.header("WWW-Authenticate"))
            .hasValue("Bearer realm=\"traffic-manager\", error=\"invalid_token\"");
        assertThat(response.json().path("error").asText()).isEqualTo("invalid_token");
      }
    }
    assertNothingWritten();
  }

  @Test
  void aTokenOfAnotherTenantOrWithoutTheScopeIs403AndWritesNothing() {
    ApiClient otherTenant = admin.withToken(token("other-tenant", List.of("other"), TENANT_SCOPES));
    for (Call call : calls()) {
      List<String> allButNeeded =
          TENANT_SCOPES.stream().filter(s -> !s.equals(call.scope())).toList();
      ApiClient withoutScope =
          admin.withToken(token("without-" + call.scope(), List.of(VICTIM), allButNeeded));
      for (ApiClient client : List.of(otherTenant, withoutScope)) {
        ApiClient.Response response = call.send(client);
        assertThat(response.status()).as(response.toString()).isEqualTo(403);
        assertThat(response.json().path("error").asText()).isEqualTo("insufficient_scope");
        assertThat(response.header("WWW-Authenticate"))
            .hasValueSatisfying(h -> assertThat(h).contains("error=\"insufficient_scope\""));
      }
    }
    assertNothingWritten();
  }

  @Test
  void aTenantTokenDoesWhatItsScopesAllowForItsTenantAndIsTheActor() {
    String tenant = "scoped";
    ApiClient writer =
        admin.withToken(token("deploy-" + tenant, List.of(tenant), List.of("routes:write")));
    ApiClient reader = admin.withToken(token("reader", List.of(tenant), List.of("routes:read")));

    ApiClient.Response created =
        writer.post("/api/v1/routes", ApiClient.route(tenant, "checkout", "prod", "v1", URL));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(reader.get("/api/v1/routes/" + tenant + "/checkout/prod/v1").status())
        .isEqualTo(200);
    assertThat(reader.get("/api/v1/routes?tenant=" + tenant).status()).isEqualTo(200);
    assertThat(
            reader
                .get(
                    "/api/v1/routes/resolve?tenant="
                        + tenant
                        + "&service=checkout&env=prod&version=v1")
                .status())
        .isEqualTo(200);
    assertThat(reader.get("/api/v1/routes/watch?tenant=" + tenant + "&index=0&wait=0s").status())
        .isEqualTo(200);
    assertThat(writer.get("/api/v1/routes?tenant=" + tenant).status()).isEqualTo(403);
    assertThat(new Rows(env.jdbi()).outbox(tenant + "/checkout/prod/v1"))
        .singleElement()
        .satisfies(entry -> assertThat(entry.event().actor()).isEqualTo("deploy-" + tenant));
  }

  @Test
  void anIdempotencyKeyBelongsToTheTokenThatSentIt() {
    String tenant = "keyed";
    ApiClient first = admin.withToken(token("first-bot", List.of(tenant), List.of("routes:write")));
    ApiClient second =
        admin.withToken(token("second-bot", List.of(tenant), List.of("routes:write")));
    ApiClient.Response created = createWithKey(first, tenant, "checkout");
    ApiClient.Response sameKeyOtherRoute = createWithKey(second, tenant, "billing");
    ApiClient.Response retried = createWithKey(first, tenant, "checkout");

    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    // Not the first token's key: neither its answer replayed nor a 422 for a reused key.
    assertThat(sameKeyOtherRoute.status()).as(sameKeyOtherRoute.toString()).isEqualTo(201);
    assertThat(sameKeyOtherRoute.raw().headers().firstValue("Idempotent-Replayed")).isEmpty();
    assertThat(retried.status()).isEqualTo(201);
    assertThat(retried.raw().headers().firstValue("Idempotent-Replayed")).hasValue("true");
  }

  private static ApiClient.Response createWithKey(ApiClient client, String tenant, String service) {
    return client.post(
        "/api/v1/routes",
        ApiClient.route(tenant, service, "prod", "v1", URL),
        "Idempotency-Key",
        "deploy-2026-12-06");
  }

  @Test
  void auditQueriesOfATenantTokenMustNameItsTenant() {
    ApiClient auditor =
        admin.withToken(token("auditor", List.of("audited"), List.of("audit:read")));

    assertThat(auditor.get("/api/v1/audit/recent?tenant=audited").status()).isEqualTo(200);
    ApiClient.Response everyTenant = auditor.get("/api/v1/audit/recent");
    assertThat(everyTenant.status()).as(everyTenant.toString()).isEqualTo(403);
    assertThat(everyTenant.json().path("message").asText()).contains("give tenant");
    assertThat(admin.get("/api/v1/audit/recent").status()).isEqualTo(200);
  }

  /** No route of the victim tenant, no new token, and no event of it on route-events. */
  private static void assertNothingWritten() {
    Rows rows = new Rows(env.jdbi());
    long claimedKeys =
        env.jdbi()
            .withHandle(
                h ->
                    h.createQuery(
                            "SELECT count(*) FROM idempotency_keys WHERE idempotency_key LIKE :k")
                        .bind("k", "%/" + REFUSED_KEY)
                        .mapTo(Long.class)
                        .one());
    assertThat(claimedKeys).as("idempotency keys claimed by refused writes").isZero();
    assertThat(rows.outbox(VICTIM + "/checkout/prod/v1")).isEmpty();
    assertThat(rows.count("splits WHERE tenant = '" + VICTIM + "'")).isZero();
    long victimRoutes =
        env.jdbi()
            .withHandle(
                h ->
                    h.createQuery("SELECT count(*) FROM routes WHERE tenant = :t")
                        .bind("t", VICTIM)
                        .mapTo(Long.class)
                        .one());
    assertThat(victimRoutes).isZero();
    long intruders =
        env.jdbi()
            .withHandle(
                h ->
                    h.createQuery("SELECT count(*) FROM api_tokens WHERE name = 'intruder'")
                        .mapTo(Long.class)
                        .one());
    assertThat(intruders).isZero();
    assertThat(rows.count("api_tokens")).isGreaterThanOrEqualTo(tokensBefore);
    // A write after the refused ones: once its event is on route-events, so would theirs be.
    String marker = "marker-" + Long.toHexString(System.nanoTime());
    assertThat(
            admin
                .post("/api/v1/routes", ApiClient.route(marker, "checkout", "prod", "v1", URL))
                .status())
        .isEqualTo(201);
    await("the marker write's event on route-events")
        .atMost(Duration.ofSeconds(30))
        .until(() -> keysOnRouteEvents().anyMatch(k -> k.startsWith(marker + "/")));
    assertThat(keysOnRouteEvents()).noneMatch(k -> k.startsWith(VICTIM + "/"));
  }

  private static Stream<String> keysOnRouteEvents() {
    return env.readAll(env.topics().routeEvents()).stream().map(r -> r.key());
  }

  private static String token(String name, List<String> tenants, List<String> scopes) {
    return TestTokens.create(env.settings(), name, tenants, scopes, Optional.empty());
  }

  private static long idOf(String name) {
    return env.jdbi()
        .withHandle(
            h ->
                h.createQuery("SELECT max(id) FROM api_tokens WHERE name = :name")
                    .bind("name", name)
                    .mapTo(Long.class)
                    .one());
  }
}
