package dev.trafficmanager.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import dev.trafficmanager.testkit.TestTokens;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The splits' audit trail: a split's history ({@code /api/v1/audit/split}) from the writes the API
 * took, and split entries merged with route entries in the time-ordered queries.
 */
@ExtendWith(SharedServers.class)
class SplitAuditApiTest {
  private static final String AUDIT = "/api/v1/audit";
  private static final String HISTORY = AUDIT + "/split?tenant=acme&service=checkout&env=prod";

  // One instant for the class on purpose: the rows seeded once are placed relative to it.
  @SuppressWarnings("TimeInStaticInitializer")
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MICROS);

  private static TestEnvironment env;
  private static RunningApi running;
  private static ApiClient admin;

  @BeforeAll
  static void start(TestEnvironment environment) {
    env = environment;
    running = RunningApi.start(env.settings());
    admin = running.client();
    // acme/checkout/prod: put, changed, deleted by deploy-bot, through the API.
    for (String version : List.of("v1", "v2")) {
      expect(
          admin.post(
              "/api/v1/routes",
              ApiClient.route(
                  "acme", "checkout", "prod", version, "https://checkout.example/" + version)),
          201);
    }
    ApiClient deployBot = client("deploy-bot", "acme", "routes:write");
    String split = "/api/v1/splits/acme/checkout/prod";
    expect(
        deployBot.put(
            split, "{\"weights\":{\"v1\":90,\"v2\":10}}", "X-Correlation-ID", "canary-start"),
        201);
    expect(
        deployBot.put(
            split, "{\"weights\":{\"v1\":50,\"v2\":50}}", "X-Correlation-ID", "canary-half"),
        200);
    expect(deployBot.delete(split, "X-Correlation-ID", "canary-end"), 200);
    SplitAuditRows splits = new SplitAuditRows(env.jdbi());
    splits.recordOutboxSplitEvents();
    // mixed: route and split entries of one tenant, alternating an hour apart.
    AuditRows routes = new AuditRows(env.jdbi());
    String url = "https://web.mixed.example/";
    routes.insert("mixed", "web", 1, "created", null, null, url, true, hoursAgo(4));
    splits.insert("mixed", "web", "prod", 1, null, "{\"v1\":100}", hoursAgo(3));
    routes.insert("mixed", "web", 2, "deactivated", url, true, url, false, hoursAgo(2));
    splits.insert("mixed", "web", "staging", 1, null, "{\"v1\":80,\"v2\":20}", hoursAgo(1));
  }

  @AfterAll
  static void stop() {
    running.close();
  }

  private static Instant hoursAgo(int hours) {
    return NOW.minus(Duration.ofHours(hours));
  }

  @Test
  void aSplitsPutChangeAndDeleteAreItsHistoryNewestFirst() {
    JsonNode page = ok(HISTORY);

    assertThat(page.path("next_cursor").isNull()).isTrue();
    JsonNode items = page.path("items");
    assertThat(AuditPages.revisions(page)).containsExactly(3L, 2L, 1L);
    JsonNode deleted = items.get(0);
    assertThat(deleted.path("split_key").asText()).isEqualTo("acme/checkout/prod");
    assertThat(deleted.path("action").asText()).isEqualTo("split_changed");
    assertThat(deleted.path("tenant").asText()).isEqualTo("acme");
    assertThat(deleted.path("service").asText()).isEqualTo("checkout");
    assertThat(deleted.path("env").asText()).isEqualTo("prod");
    assertThat(deleted.has("route_key")).isFalse();
    assertThat(deleted.has("version")).isFalse();
    assertThat(weights(deleted.path("previous"))).isEqualTo(Map.of("v1", 50, "v2", 50));
    assertThat(weights(deleted.path("current"))).as("deleted: no weights").isEmpty();
    assertThat(weights(items.get(1).path("previous"))).isEqualTo(Map.of("v1", 90, "v2", 10));
    assertThat(weights(items.get(1).path("current"))).isEqualTo(Map.of("v1", 50, "v2", 50));
    JsonNode first = items.get(2);
    assertThat(first.has("previous")).isTrue();
    assertThat(first.path("previous").isNull()).as("revision 1 has no previous weights").isTrue();
    assertThat(weights(first.path("current"))).isEqualTo(Map.of("v1", 90, "v2", 10));
    List<String> actors = new ArrayList<>();
    List<String> correlationIds = new ArrayList<>();
    items.forEach(
        item -> {
          actors.add(item.path("actor").asText());
          correlationIds.add(item.path("correlation_id").asText());
          assertThat(item.path("event_id").asText()).hasSize(36);
          assertThat(item.path("occurred_at").asText()).isNotBlank();
          assertThat(item.path("processed_at").asText()).isNotBlank();
        });
    assertThat(actors).containsOnly("deploy-bot");
    assertThat(correlationIds).containsExactly("canary-end", "canary-half", "canary-start");
  }

  @Test
  void aSplitsHistoryPagesWithTheCursor() {
    List<Long> seen = new ArrayList<>();
    List<Integer> pageSizes = new ArrayList<>();
    String cursor = null;
    do {
      JsonNode page = ok(HISTORY + "&limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
      seen.addAll(AuditPages.revisions(page));
      pageSizes.add(page.path("items").size());
      cursor = page.path("next_cursor").isNull() ? null : page.path("next_cursor").asText();
    } while (cursor != null);

    assertThat(seen).containsExactly(3L, 2L, 1L);
    assertThat(pageSizes).containsExactly(2, 1);
  }

  @Test
  void anotherSplitsHistoryIsNotMixedIn() {
    assertThat(entries(ok(AUDIT + "/split?tenant=mixed&service=web&env=staging")))
        .containsExactly("split mixed/web/staging#1");
    assertThat(ok(AUDIT + "/split?tenant=acme&service=checkout&env=staging").path("items"))
        .isEmpty();
  }

  @Test
  void timeOrderedQueriesMergeRouteAndSplitEntries() {
    assertThat(entries(ok(AUDIT + "/recent?days=1&tenant=mixed")))
        .containsExactly(
            "split mixed/web/staging#1",
            "route mixed/web/prod/v1#2",
            "split mixed/web/prod#1",
            "route mixed/web/prod/v1#1");
    String range = "start_time=" + hoursAgo(5) + "&end_time=" + hoursAgo(1);
    assertThat(entries(ok(AUDIT + "/time-range?tenant=mixed&" + range)))
        .as("the end is exclusive")
        .containsExactly(
            "route mixed/web/prod/v1#2", "split mixed/web/prod#1", "route mixed/web/prod/v1#1");
  }

  @Test
  void theActionFilterSelectsSplitsOrRoutes() {
    assertThat(entries(ok(AUDIT + "/action?action=split_changed&tenant=mixed")))
        .containsExactly("split mixed/web/staging#1", "split mixed/web/prod#1");
    assertThat(entries(ok(AUDIT + "/recent?days=1&tenant=mixed&action=split_changed")))
        .containsExactly("split mixed/web/staging#1", "split mixed/web/prod#1");
    assertThat(entries(ok(AUDIT + "/action?action=deactivated&tenant=mixed")))
        .containsExactly("route mixed/web/prod/v1#2");
    assertThat(entries(ok(AUDIT + "/action?action=split_changed&tenant=acme")))
        .containsExactly(
            "split acme/checkout/prod#3",
            "split acme/checkout/prod#2",
            "split acme/checkout/prod#1");
  }

  @Test
  void serviceAndEnvFilterSplitEntriesToo() {
    assertThat(entries(ok(AUDIT + "/recent?days=1&tenant=mixed&env=staging")))
        .containsExactly("split mixed/web/staging#1");
    assertThat(entries(ok(AUDIT + "/recent?days=1&tenant=mixed&env=prod")))
        .containsExactly(
            "route mixed/web/prod/v1#2", "split mixed/web/prod#1", "route mixed/web/prod/v1#1");
    assertThat(entries(ok(AUDIT + "/recent?days=1&service=checkout&tenant=acme")))
        .containsExactly(
            "split acme/checkout/prod#3",
            "split acme/checkout/prod#2",
            "split acme/checkout/prod#1");
  }

  @Test
  void pagingAMergedWindowWalksEveryEntryOnceInOrder() {
    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonNode page =
          ok(
              AUDIT
                  + "/recent?days=1&tenant=mixed&limit=1"
                  + (cursor == null ? "" : "&cursor=" + cursor));
      seen.addAll(entries(page));
      cursor = page.path("next_cursor").isNull() ? null : page.path("next_cursor").asText();
      pages++;
    } while (cursor != null);

    assertThat(seen)
        .containsExactly(
            "split mixed/web/staging#1",
            "route mixed/web/prod/v1#2",
            "split mixed/web/prod#1",
            "route mixed/web/prod/v1#1");
    assertThat(pages).isEqualTo(4);
  }

  static Stream<String[]> badQueries() {
    String windowCursor =
        ok(AUDIT + "/recent?days=1&tenant=mixed&limit=1").path("next_cursor").asText();
    return Stream.of(
        new String[] {AUDIT + "/split?tenant=acme&service=checkout", "env"},
        new String[] {AUDIT + "/split?tenant=acme&env=prod", "service"},
        new String[] {AUDIT + "/split?service=checkout&env=prod", "tenant"},
        new String[] {AUDIT + "/split?tenant=Acme&service=checkout&env=prod", "tenant"},
        new String[] {HISTORY + "&limit=0", "limit"},
        new String[] {HISTORY + "&limit=501", "limit"},
        new String[] {HISTORY + "&cursor=%21%21", "cursor"},
        new String[] {HISTORY + "&cursor=" + windowCursor, "cursor"},
        new String[] {HISTORY + "&version=v1", "version"},
        new String[] {HISTORY + "&action=split_changed", "action"},
        new String[] {HISTORY + "&days=3", "days"},
        new String[] {HISTORY + "&env=staging", "env"},
        new String[] {AUDIT + "/action?action=split&tenant=acme", "action"});
  }

  @ParameterizedTest(name = "{1}: {0}")
  @MethodSource("badQueries")
  void aBadParameterIs400NamingIt(String path, String parameter) {
    AuditPages.assertRefusedNaming(admin.get(path), parameter);
  }

  @Test
  void aSplitsHistoryIsReadWithAuditReadForItsTenantOnly() {
    ApiClient auditor = client("auditor", "acme", "audit:read");
    ApiClient otherTenant = client("other", "other", "audit:read");
    ApiClient writer = client("writer", "acme", "routes:write");

    assertThat(auditor.get(HISTORY).status()).isEqualTo(200);
    assertThat(otherTenant.get(HISTORY).status()).isEqualTo(403);
    assertThat(writer.get(HISTORY).status()).isEqualTo(403);
    assertThat(auditor.get(AUDIT + "/action?action=split_changed").status())
        .as("a tenant's token must name its tenant")
        .isEqualTo(403);
    assertThat(otherTenant.get(AUDIT + "/action?action=split_changed&tenant=acme").status())
        .isEqualTo(403);
  }

  /** A client with a new token named {@code name}, with {@code scope} for {@code tenant}. */
  private static ApiClient client(String name, String tenant, String scope) {
    return admin.withToken(
        TestTokens.create(env.settings(), name, List.of(tenant), List.of(scope), Optional.empty()));
  }

  private static void expect(ApiClient.Response response, int status) {
    assertThat(response.status()).as(response.toString()).isEqualTo(status);
  }

  private static JsonNode ok(String path) {
    return AuditPages.ok(admin, path);
  }

  /** Each entry as {@code route <route_key>#<revision>} or {@code split <split_key>#<revision>}. */
  private static List<String> entries(JsonNode page) {
    List<String> entries = new ArrayList<>();
    page.path("items")
        .forEach(
            i ->
                entries.add(
                    (i.has("split_key")
                            ? "split " + i.path("split_key").asText()
                            : "route " + i.path("route_key").asText())
                        + "#"
                        + i.path("revision").asLong()));
    return entries;
  }

  private static Map<String, Integer> weights(JsonNode state) {
    Map<String, Integer> weights = new TreeMap<>();
    state.path("weights").properties().forEach(f -> weights.put(f.getKey(), f.getValue().asInt()));
    return weights;
  }
}
