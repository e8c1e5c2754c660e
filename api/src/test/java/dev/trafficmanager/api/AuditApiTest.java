package dev.trafficmanager.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@ExtendWith(SharedServers.class)
class AuditApiTest {
  private static final String AUDIT = "/api/v1/audit";

  // One instant for the class on purpose: the rows seeded once are placed relative to it.
  @SuppressWarnings("TimeInStaticInitializer")
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MICROS);

  private static final Instant MIX = NOW.minus(Duration.ofDays(100));

  /** Every row the test inserted, to tell what a filtered query must answer. */
  private static final List<Event> EVENTS = new ArrayList<>();

  private static RunningApi running;
  private static ApiClient client;

  /** An inserted row, as far as the filters see it. */
  private record Event(
      String tenant, String service, String env, long revision, String action, Instant at) {
    String id() {
      return tenant + "/" + service + "/" + env + "/v1#" + revision;
    }
  }

  @BeforeAll
  static void start(TestEnvironment env) {
    running = RunningApi.start(env.settings());
    client = running.client();
    AuditRows rows = new AuditRows(env.jdbi());
    // acme/billing: five revisions, one an hour from 5 h ago to 1 h ago.
    String a = "https://billing.example/a";
    String b = "https://billing.example/b";
    insert(rows, "acme", "billing", 1, "created", null, null, a, true, hoursAgo(5));
    insert(rows, "acme", "billing", 2, "deactivated", a, true, a, false, hoursAgo(4));
    insert(rows, "acme", "billing", 3, "activated", a, false, a, true, hoursAgo(3));
    insert(rows, "acme", "billing", 4, "url_changed", a, true, b, true, hoursAgo(2));
    insert(rows, "acme", "billing", 5, "deactivated", b, true, b, false, hoursAgo(1));
    // acme/search: created 40 days ago, deactivated 2 days ago.
    String s = "https://search.example/";
    insert(
        rows, "acme", "search", 1, "created", null, null, s, true, NOW.minus(Duration.ofDays(40)));
    insert(
        rows, "acme", "search", 2, "deactivated", s, true, s, false, NOW.minus(Duration.ofDays(2)));
    // other/auth: created half an hour ago.
    insert(
        rows,
        "other",
        "auth",
        1,
        "created",
        null,
        null,
        "https://auth.example/",
        true,
        NOW.minus(Duration.ofMinutes(30)));
    // tie/ties: seven revisions recorded at the very same instant.
    Instant tie = NOW.minus(Duration.ofDays(10));
    for (int revision = 1; revision <= 7; revision++) {
      insert(
          rows,
          "tie",
          "ties",
          revision,
          "url_changed",
          "https://t.example/" + (revision - 1),
          true,
          "https://t.example/" + revision,
          true,
          tie);
    }
    // Around 100 days ago: services and environments that no other row uses.
    String m = "https://mix.example/";
    insert(rows, "mix", "web", "prod", 1, "created", null, null, m, true, MIX.minusSeconds(50));
    insert(rows, "mix", "web", "prod", 2, "deactivated", m, true, m, false, MIX.minusSeconds(40));
    insert(rows, "mix", "web", "staging", 1, "created", null, null, m, true, MIX.minusSeconds(30));
    insert(rows, "mix", "api", "prod", 1, "created", null, null, m, true, MIX.minusSeconds(20));
    insert(rows, "mix", "api", "staging", 1, "created", null, null, m, true, MIX.minusSeconds(10));
    insert(rows, "mix", "api", "staging", 2, "url_changed", m, true, m + "2", true, MIX);
    insert(rows, "else", "web", "staging", 1, "created", null, null, m, true, MIX.plusSeconds(10));
    insert(rows, "else", "web", "prod", 1, "created", null, null, m, true, MIX.plusSeconds(20));
  }

  private static void insert(
      AuditRows rows,
      String tenant,
      String service,
      long revision,
      String action,
      String previousUrl,
      Boolean previousActive,
      String url,
      boolean active,
      Instant occurredAt) {
    insert(
        rows,
        tenant,
        service,
        "prod",
        revision,
        action,
        previousUrl,
        previousActive,
        url,
        active,
        occurredAt);
  }

  private static void insert(
      AuditRows rows,
      String tenant,
      String service,
      String env,
      long revision,
      String action,
      String previousUrl,
      Boolean previousActive,
      String url,
      boolean active,
      Instant occurredAt) {
    rows.insert(
        tenant,
        service,
        env,
        revision,
        action,
        previousUrl,
        previousActive,
        url,
        active,
        occurredAt);
    EVENTS.add(new Event(tenant, service, env, revision, action, occurredAt));
  }

  @AfterAll
  static void stop() {
    running.close();
  }

  private static Instant hoursAgo(int hours) {
    return NOW.minus(Duration.ofHours(hours));
  }

  @Test
  void aRoutesHistoryIsNewestFirstWithItsPreviousAndCurrentState() {
    JsonNode page = ok(AUDIT + "/route?tenant=acme&service=billing&env=prod&version=v1&limit=10");

    assertThat(AuditPages.revisions(page)).containsExactly(5L, 4L, 3L, 2L, 1L);
    assertThat(page.path("next_cursor").isNull()).isTrue();
    JsonNode changed = page.path("items").get(1);
    assertThat(changed.path("action").asText()).isEqualTo("url_changed");
    assertThat(changed.path("route_key").asText()).isEqualTo("acme/billing/prod/v1");
    assertThat(changed.path("tenant").asText()).isEqualTo("acme");
    assertThat(changed.path("service").asText()).isEqualTo("billing");
    assertThat(changed.path("env").asText()).isEqualTo("prod");
    assertThat(changed.path("version").asText()).isEqualTo("v1");
    assertThat(changed.path("previous").path("url").asText())
        .isEqualTo("https://billing.example/a");
    assertThat(changed.path("previous").path("active").asBoolean()).isTrue();
    assertThat(changed.path("current").path("url").asText()).isEqualTo("https://billing.example/b");
    assertThat(changed.path("current").path("active").asBoolean()).isTrue();
    assertThat(changed.path("actor").asText()).isEqualTo("deploy-bot");
    assertThat(changed.path("correlation_id").asText()).isEqualTo("corr-billing-4");
    assertThat(Instant.parse(changed.path("occurred_at").asText())).isEqualTo(hoursAgo(2));
    assertThat(changed.path("processed_at").asText()).isNotBlank();
    assertThat(changed.path("event_id").asText()).hasSize(36);
    JsonNode first = page.path("items").get(4);
    assertThat(first.has("previous")).isTrue();
    assertThat(first.path("previous").isNull()).as("revision 1 has no previous state").isTrue();
  }

  @Test
  void aRoutesHistoryPagesWithTheCursor() {
    List<Long> seen = new ArrayList<>();
    List<Integer> pageSizes = new ArrayList<>();
    String query = AUDIT + "/route?tenant=acme&service=billing&env=prod&version=v1&limit=2";
    String cursor = null;
    do {
      JsonNode page = ok(query + (cursor == null ? "" : "&cursor=" + cursor));
      seen.addAll(AuditPages.revisions(page));
      pageSizes.add(page.path("items").size());
      cursor = page.path("next_cursor").isNull() ? null : page.path("next_cursor").asText();
    } while (cursor != null);

    assertThat(seen).containsExactly(5L, 4L, 3L, 2L, 1L);
    assertThat(pageSizes).containsExactly(2, 2, 1);
  }

  @Test
  void recentEventsAreThoseOfTheLastDaysOptionallyOfOneTenant() {
    assertThat(routeRevisions(ok(AUDIT + "/recent?days=3")))
        .containsExactly(
            "other/auth/prod/v1#1",
            "acme/billing/prod/v1#5",
            "acme/billing/prod/v1#4",
            "acme/billing/prod/v1#3",
            "acme/billing/prod/v1#2",
            "acme/billing/prod/v1#1",
            "acme/search/prod/v1#2");
    assertThat(routeRevisions(ok(AUDIT + "/recent?days=3&tenant=acme&limit=2")))
        .containsExactly("acme/billing/prod/v1#5", "acme/billing/prod/v1#4");
    assertThat(ok(AUDIT + "/recent").path("items").size())
        .as("30 days by default: all but the 40-day-old event")
        .isEqualTo(14);
  }

  @Test
  void eventsByActionAreThoseOfTheLastHours() {
    assertThat(routeRevisions(ok(AUDIT + "/action?action=deactivated&hours=3")))
        .containsExactly("acme/billing/prod/v1#5");
    assertThat(routeRevisions(ok(AUDIT + "/action?action=deactivated&hours=72")))
        .containsExactly(
            "acme/billing/prod/v1#5", "acme/billing/prod/v1#2", "acme/search/prod/v1#2");
  }

  @Test
  void aTimeRangeIncludesItsStartAndExcludesItsEnd() {
    String start = encode(OffsetDateTime.ofInstant(hoursAgo(4), ZoneOffset.ofHours(2)).toString());
    String end = hoursAgo(2).toString();

    JsonNode page = ok(AUDIT + "/time-range?start_time=" + start + "&end_time=" + end);

    assertThat(routeRevisions(page))
        .containsExactly("acme/billing/prod/v1#3", "acme/billing/prod/v1#2");
  }

  @Test
  void pagingWalksEveryEventOnceEvenWhenTheyShareATimestamp() {
    List<Long> seen = new ArrayList<>();
    String query =
        AUDIT
            + "/time-range?tenant=tie&limit=3&start_time="
            + NOW.minus(Duration.ofDays(11))
            + "&end_time="
            + NOW.minus(Duration.ofDays(9));
    String cursor = null;
    int pages = 0;
    do {
      JsonNode page = ok(query + (cursor == null ? "" : "&cursor=" + cursor));
      seen.addAll(AuditPages.revisions(page));
      cursor = page.path("next_cursor").isNull() ? null : page.path("next_cursor").asText();
      pages++;
    } while (cursor != null);

    assertThat(seen).hasSize(7).doesNotHaveDuplicates();
    assertThat(pages).isEqualTo(3);
  }

  /**
   * Every time-ordered endpoint with every filter it takes, alone and combined: the answer is
   * exactly the inserted rows that its window and the filter select.
   */
  static Stream<Arguments> filteredQueries() {
    Instant recent = NOW.minus(Duration.ofDays(120));
    String from = MIX.minus(Duration.ofDays(1)).toString();
    String until = MIX.plus(Duration.ofDays(1)).toString();
    record Window(String query, Predicate<Event> selects) {}
    List<Window> windows =
        List.of(
            new Window("/recent?days=120", e -> !e.at().isBefore(recent)),
            new Window(
                "/action?action=created&hours=2880",
                e -> !e.at().isBefore(recent) && e.action().equals("created")),
            new Window(
                "/time-range?start_time=" + from + "&end_time=" + until,
                e ->
                    !e.at().isBefore(Instant.parse(from))
                        && e.at().isBefore(Instant.parse(until))));
    Map<String, Predicate<Event>> filters = new LinkedHashMap<>();
    filters.put("", e -> true);
    filters.put("tenant=mix", e -> e.tenant().equals("mix"));
    filters.put("service=web", e -> e.service().equals("web"));
    filters.put("env=staging", e -> e.env().equals("staging"));
    filters.put("action=deactivated", e -> e.action().equals("deactivated"));
    filters.put("action=url_changed", e -> e.action().equals("url_changed"));
    filters.put(
        "tenant=mix&service=api&env=staging",
        e -> e.tenant().equals("mix") && e.service().equals("api") && e.env().equals("staging"));
    filters.put("service=web&env=prod", e -> e.service().equals("web") && e.env().equals("prod"));
    filters.put(
        "tenant=else&action=created",
        e -> e.tenant().equals("else") && e.action().equals("created"));
    List<Arguments> queries = new ArrayList<>();
    for (Window window : windows) {
      filters.forEach(
          (filter, selects) -> {
            // /action takes its action as the window itself.
            if (window.query().startsWith("/action") && filter.contains("action=")) {
              return;
            }
            String query =
                AUDIT + window.query() + "&limit=500" + (filter.isEmpty() ? "" : "&") + filter;
            List<String> expected =
                EVENTS.stream()
                    .filter(window.selects().and(selects))
                    .map(Event::id)
                    .collect(Collectors.toList());
            queries.add(Arguments.of(query, expected));
          });
    }
    return queries.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("filteredQueries")
  void everyFilterAnEndpointTakesFiltersItsAnswer(String query, List<String> expected) {
    assertThat(routeRevisions(ok(query))).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void filtersThatSelectSomethingAreNotVacuous() {
    // Guards the table above: each filter on its own selects some rows and leaves out others.
    assertThat(routeRevisions(ok(AUDIT + "/recent?days=120&limit=500&service=web")))
        .containsExactlyInAnyOrder(
            "mix/web/prod/v1#1",
            "mix/web/prod/v1#2",
            "mix/web/staging/v1#1",
            "else/web/staging/v1#1",
            "else/web/prod/v1#1");
    assertThat(routeRevisions(ok(AUDIT + "/action?action=created&hours=2880&env=staging")))
        .containsExactlyInAnyOrder(
            "mix/web/staging/v1#1", "mix/api/staging/v1#1", "else/web/staging/v1#1");
    assertThat(
            routeRevisions(
                ok(
                    AUDIT
                        + "/time-range?action=url_changed&start_time="
                        + MIX.minus(Duration.ofDays(1))
                        + "&end_time="
                        + MIX.plus(Duration.ofDays(1)))))
        .containsExactly("mix/api/staging/v1#2");
  }

  @Test
  void aTimeWithoutAnOffsetIsRefusedSayingTheOffsetIsRequired() {
    ApiClient.Response response =
        client.get(
            AUDIT + "/time-range?start_time=2026-01-01T00:00:00&end_time=2026-01-02T00:00:00Z");

    assertThat(response.status()).as(response.toString()).isEqualTo(400);
    JsonNode violation = response.json().path("violations").get(0);
    assertThat(violation.path("field").asText()).isEqualTo("start_time");
    assertThat(violation.path("rule").asText()).contains("needs an offset");
  }

  static Stream<String[]> badQueries() {
    String route = AUDIT + "/route?tenant=acme&service=billing&env=prod&version=v1";
    String routeCursor = ok(route + "&limit=1").path("next_cursor").asText();
    return Stream.of(
        new String[] {AUDIT + "/route?tenant=acme&service=billing&env=prod", "version"},
        new String[] {AUDIT + "/route?tenant=Acme&service=billing&env=prod&version=v1", "tenant"},
        new String[] {route + "&limit=0", "limit"},
        new String[] {route + "&limit=501", "limit"},
        new String[] {route + "&limit=ten", "limit"},
        new String[] {route + "&cursor=%21%21", "cursor"},
        new String[] {AUDIT + "/recent?days=0", "days"},
        new String[] {AUDIT + "/recent?days=366", "days"},
        new String[] {AUDIT + "/recent?tenant=a%2Fb", "tenant"},
        new String[] {AUDIT + "/recent?cursor=" + routeCursor, "cursor"},
        new String[] {AUDIT + "/action?hours=1", "action"},
        new String[] {AUDIT + "/action?action=deleted", "action"},
        new String[] {AUDIT + "/action?action=created&hours=0", "hours"},
        new String[] {AUDIT + "/action?action=created&hours=8761", "hours"},
        new String[] {AUDIT + "/time-range?end_time=2026-01-01T00:00:00Z", "start_time"},
        new String[] {AUDIT + "/time-range?start_time=2026-01-01T00:00:00Z", "end_time"},
        new String[] {
          AUDIT + "/time-range?start_time=yesterday&end_time=2026-01-01T00:00:00Z", "start_time"
        },
        new String[] {
          AUDIT + "/time-range?start_time=2026-01-01T00:00:00&end_time=2026-01-02T00:00:00Z",
          "start_time"
        },
        new String[] {
          AUDIT + "/time-range?start_time=2026-01-02T00:00:00Z&end_time=2026-01-01T00:00:00Z",
          "end_time"
        },
        // RFC 3339 years have four digits; PostgreSQL could not store most longer ones anyway.
        new String[] {
          AUDIT + "/time-range?start_time=2026-01-01T00:00:00Z&end_time=%2B300000-01-01T00:00:00Z",
          "end_time"
        },
        new String[] {
          AUDIT + "/recent?cursor=" + positionCursor("+300000-01-01T00:00:00Z"), "cursor"
        },
        // A parameter an endpoint does not take is refused, never silently ignored.
        new String[] {route + "&action=created", "action"},
        new String[] {route + "&days=3", "days"},
        new String[] {AUDIT + "/recent?hours=3", "hours"},
        new String[] {AUDIT + "/recent?version=v1", "version"},
        new String[] {AUDIT + "/recent?start_time=2026-01-01T00:00:00Z", "start_time"},
        new String[] {AUDIT + "/action?action=created&days=3", "days"},
        new String[] {AUDIT + "/action?action=created&version=v1", "version"},
        new String[] {
          AUDIT
              + "/time-range?start_time=2026-01-01T00:00:00Z&end_time=2026-01-02T00:00:00Z&days=1",
          "days"
        },
        new String[] {
          AUDIT
              + "/time-range?start_time=2026-01-01T00:00:00Z&end_time=2026-01-02T00:00:00Z&hours=1",
          "hours"
        },
        new String[] {AUDIT + "/recent?tenant=acme&colour=blue", "colour"},
        new String[] {AUDIT + "/recent?tenant=acme&tenant=other", "tenant"},
        // Filters are checked like the route's names.
        new String[] {AUDIT + "/recent?service=Web", "service"},
        new String[] {AUDIT + "/action?action=created&env=a%2Fb", "env"},
        new String[] {
          AUDIT
              + "/time-range?start_time=2026-01-01T00:00:00Z&end_time=2026-01-02T00:00:00Z"
              + "&action=removed",
          "action"
        });
  }

  @ParameterizedTest(name = "{1}: {0}")
  @MethodSource("badQueries")
  void aBadParameterIs400NamingIt(String path, String parameter) {
    AuditPages.assertRefusedNaming(client.get(path), parameter);
  }

  /** A cursor of the time-ordered queries, as {@code AuditCursor} encodes one, at {@code at}. */
  private static String positionCursor(String at) {
    String position = "t" + at + "_" + "00000000-0000-4000-8000-000000000001";
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(position.getBytes(StandardCharsets.UTF_8));
  }

  private static JsonNode ok(String path) {
    return AuditPages.ok(client, path);
  }

  private static List<String> routeRevisions(JsonNode page) {
    List<String> entries = new ArrayList<>();
    page.path("items")
        .forEach(
            i -> entries.add(i.path("route_key").asText() + "#" + i.path("revision").asLong()));
    return entries;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
