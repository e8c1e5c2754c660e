package dev.trafficmanager.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.trafficmanager.api.auth.AuthSettings;
import dev.trafficmanager.api.http.HttpApi;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * Tokens over HTTP: made, listed and revoked by an admin token; a revocation reaching a second API
 * instance within {@code TM_AUTH_CACHE_TTL}; no token in logs, health, metrics or answers; and the
 * two settings that open the API up.
 */
@ExtendWith(SharedServers.class)
class TokenManagementTest {
  private static final String TOKENS = "/api/v1/tokens";

  @Test
  void anAdminMakesListsAndRevokesTokensAndTheTokenIsShownOnlyOnce(TestEnvironment env) {
    try (RunningApi running = RunningApi.start(env.settings())) {
      ApiClient admin = running.client();
      ApiClient.Response made =
          admin.post(
              TOKENS,
              "{\"name\":\"deploy-bot\",\"tenants\":[\"acme\"],\"scopes\":[\"routes:write\"],"
                  + "\"expires_in\":\"90d\"}");

      assertThat(made.status()).as(made.toString()).isEqualTo(201);
      JsonNode token = made.json();
      String secret = token.path("token").asText();
      assertThat(secret).startsWith("tm_").hasSize(46);
      assertThat(token.path("name").asText()).isEqualTo("deploy-bot");
      assertThat(token.path("expires_at").isTextual()).isTrue();
      ApiClient bot = admin.withToken(secret);
      assertThat(
              bot.post(
                      "/api/v1/routes",
                      ApiClient.route("acme", "checkout", "prod", "v1", "https://acme.example"))
                  .status())
          .isEqualTo(201);

      ApiClient.Response listed = admin.get(TOKENS);
      assertThat(listed.status()).isEqualTo(200);
      assertThat(listed.body()).doesNotContain(secret).doesNotContain("hash");
      JsonNode listedBot = item(listed.json(), token.path("id").asLong());
      assertThat(listedBot.path("scopes").get(0).asText()).isEqualTo("routes:write");
      assertThat(listedBot.path("last_used_at").isTextual()).as(listed.body()).isTrue();

      assertThat(admin.delete(TOKENS + "/" + token.path("id").asLong()).status()).isEqualTo(204);
      assertThat(bot.get("/api/v1/routes?tenant=acme").status()).isEqualTo(401);
      assertThat(
              item(admin.get(TOKENS).json(), token.path("id").asLong())
                  .path("revoked_at")
                  .isTextual())
          .isTrue();
      assertThat(admin.delete(TOKENS + "/999999").status()).isEqualTo(404);
      assertThat(admin.delete(TOKENS + "/abc").status()).isEqualTo(404);
    }
  }

  @Test
  void aBadTokenRequestIs400NamingEachField(TestEnvironment env) {
    try (RunningApi running = RunningApi.start(env.settings())) {
      ApiClient.Response bad =
          running
              .client()
              .post(
                  TOKENS,
                  "{\"name\":\"\",\"tenants\":[\"Acme\"],\"scopes\":[\"routes:delete\"],"
                      + "\"expires_in\":\"forever\"}");
      ApiClient.Response misspelt =
          running
              .client()
              .post(TOKENS, "{\"name\":\"x\",\"scopes\":[\"admin\"],\"expires\":\"1d\"}");
      ApiClient.Response adminWithTenants =
          running
              .client()
              .post(TOKENS, "{\"name\":\"x\",\"scopes\":[\"admin\"],\"tenants\":[\"acme\"]}");

      assertThat(bad.status()).as(bad.toString()).isEqualTo(400);
      assertThat(fields(bad)).contains("name", "tenants", "scopes", "expires_in");
      assertThat(misspelt.status()).isEqualTo(400);
      assertThat(fields(misspelt)).containsExactly("expires");
      assertThat(adminWithTenants.status()).isEqualTo(400);
      assertThat(fields(adminWithTenants)).containsExactly("tenants");
      assertThat(new Rows(env.jdbi()).count("api_tokens")).isEqualTo(1); // the test's admin
    }
  }

  @Test
  void aTokenRevokedOnOneInstanceIsRefusedByAnotherWithinTheCacheTtl(TestEnvironment env) {
    try (RunningApi first = RunningApi.start(env.settings());
        RunningApi second = RunningApi.start(env.settings())) {
      JsonNode made =
          first
              .client()
              .post(
                  TOKENS,
                  "{\"name\":\"reader\",\"tenants\":[\"acme\"],\"scopes\":[\"routes:read\"]}")
              .json();
      ApiClient onSecond = second.client().withToken(made.path("token").asText());
      // The second instance has looked the token up, and keeps what it read for the TTL.
      assertThat(onSecond.get("/api/v1/routes?tenant=acme").status()).isEqualTo(200);

      assertThat(first.client().delete(TOKENS + "/" + made.path("id").asLong()).status())
          .isEqualTo(204);

      await("the second instance refuses the revoked token")
          .atMost(AuthSettings.DEFAULT_CACHE_TTL.plusSeconds(2))
          .until(() -> onSecond.get("/api/v1/routes?tenant=acme").status() == 401);
    }
  }

  @Test
  void noTokenAppearsInLogsHealthMetricsOrAnswers(TestEnvironment env) {
    ListAppender<ILoggingEvent> logs = captureLogs();
    List<String> seen = new ArrayList<>();
    List<String> tokens = new ArrayList<>();
    try (RunningApi running = RunningApi.start(env.settings())) {
      ApiClient admin = running.client();
      tokens.add(running.adminToken());
      JsonNode made =
          admin
              .post(
                  TOKENS, "{\"name\":\"leaky\",\"tenants\":[\"acme\"],\"scopes\":[\"audit:read\"]}")
              .json();
      String secret = made.path("token").asText();
      tokens.add(secret);
      ApiClient leaky = admin.withToken(secret);
      seen.add(leaky.get("/api/v1/audit/recent?tenant=acme").body());
      seen.add(leaky.get("/api/v1/audit/recent?tenant=other").body());
      seen.add(
          leaky
              .post("/api/v1/routes", ApiClient.route("acme", "a", "b", "c", "https://x.example"))
              .body());
      admin.delete(TOKENS + "/" + made.path("id").asLong());
      seen.add(leaky.get("/api/v1/audit/recent?tenant=acme").body());
      String forged = secret.substring(0, secret.length() - 1) + "x";
      tokens.add(forged);
      seen.add(admin.withToken(forged).get(TOKENS).body());
      seen.add(admin.get("/health").body());
      seen.add(admin.get("/health/ready").body());
      seen.add(admin.get("/health/resilience").body());
      seen.add(admin.get("/metrics").body());
      seen.add(admin.get(TOKENS).body());
    } finally {
      root().detachAppender(logs);
    }

    assertThat(logs.list).isNotEmpty();
    for (ILoggingEvent event : logs.list) {
      String line =
          event.getFormattedMessage()
              + event.getMDCPropertyMap()
              + (event.getThrowableProxy() == null ? "" : event.getThrowableProxy().getMessage());
      seen.add(line);
    }
    for (String token : tokens) {
      assertThat(seen).noneMatch(text -> text.contains(token));
      // Nor its random part alone, in case something cut the prefix off.
      assertThat(seen).noneMatch(text -> text.contains(token.substring(3)));
    }
  }

  @Test
  void withAuthOffEveryRequestPassesAndHealthSaysSoLoudly(TestEnvironment env) {
    ListAppender<ILoggingEvent> logs = captureLogs();
    try (RunningApi running = RunningApi.start(env.with(Map.of(AuthSettings.AUTH, "off")))) {
      ApiClient anonymous = running.client().withoutToken();

      ApiClient.Response health = anonymous.get("/health");
      assertThat(health.json().path("warnings").get(0).asText())
          .isEqualTo(HttpApi.AUTH_OFF_WARNING);
      ApiClient.Response created =
          anonymous.post(
              "/api/v1/routes",
              ApiClient.route("open", "checkout", "prod", "v1", "https://open.example"),
              "X-Actor",
              "someone");
      assertThat(created.status()).isEqualTo(201);
      assertThat(new Rows(env.jdbi()).outbox("open/checkout/prod/v1"))
          .singleElement()
          .satisfies(e -> assertThat(e.event().actor()).isEqualTo("someone"));
    } finally {
      root().detachAppender(logs);
    }
    assertThat(logs.list)
        .anySatisfy(
            e -> {
              assertThat(e.getLevel().toString()).isEqualTo("WARN");
              assertThat(e.getFormattedMessage()).contains("TM_AUTH=off");
            });
  }

  @Test
  void withTokensOnHealthHasNoWarning(TestEnvironment env) {
    try (RunningApi running = RunningApi.start(env.settings())) {
      assertThat(running.client().withoutToken().get("/health").json().has("warnings")).isFalse();
    }
  }

  @Test
  void withResolveOpenResolveNeedsNoTokenAndEverythingElseStillDoes(TestEnvironment env) {
    try (RunningApi running =
        RunningApi.start(env.with(Map.of(AuthSettings.AUTH_RESOLVE, "open")))) {
      running
          .client()
          .post(
              "/api/v1/routes",
              ApiClient.route("acme", "checkout", "prod", "v1", "https://acme.example"));
      ApiClient anonymous = running.client().withoutToken();

      assertThat(
              anonymous
                  .get("/api/v1/routes/resolve?tenant=acme&service=checkout&env=prod&version=v1")
                  .status())
          .isEqualTo(200);
      assertThat(anonymous.get("/api/v1/routes/acme/checkout/prod/v1").status()).isEqualTo(401);
    }
  }

  /** Every log event from now on, until the appender is detached from {@link #root()}. */
  private static ListAppender<ILoggingEvent> captureLogs() {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root().addAppender(logs);
    return logs;
  }

  private static Logger root() {
    return ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);
  }

  private static JsonNode item(JsonNode list, long id) {
    return StreamSupport.stream(list.path("items").spliterator(), false)
        .filter(t -> t.path("id").asLong() == id)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no token " + id + " in " + list));
  }

  private static List<String> fields(ApiClient.Response response) {
    return StreamSupport.stream(response.json().path("violations").spliterator(), false)
        .map(v -> v.path("field").asText())
        .toList();
  }
}
