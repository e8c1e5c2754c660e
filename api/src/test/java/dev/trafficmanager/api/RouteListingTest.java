package dev.trafficmanager.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import dev.trafficmanager.testkit.TestTokens;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedServers.class)
class RouteListingTest {
  private static final String ROUTES = "/api/v1/routes";

  private static ApiService api;
  private static ApiClient client;
  private static final List<String> ACME_KEYS = new ArrayList<>();

  @BeforeAll
  static void start(TestEnvironment env) {
    api = new ApiService(env.settings());
    api.start();
    client = new ApiClient(api.httpPort(), TestTokens.admin(env.settings()));
    for (String service : List.of("billing", "auth", "search")) {
      for (String stage : List.of("prod", "dev")) {
        for (String version : List.of("v1", "v2", "v10", "v2.1")) {
          create("acme", service, stage, version);
          ACME_KEYS.add(service + "/" + stage + "/" + version);
        }
      }
    }
    create("acme-2", "billing", "prod", "v1");
    create("other", "auth", "prod", "v1");
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static void create(String tenant, String service, String env, String version) {
    ApiClient.Response response =
        client.post(
            ROUTES,
            ApiClient.route(
                tenant, service, env, version, "https://" + service + ".example/" + version));
    assertThat(response.status()).as(response.toString()).isEqualTo(201);
  }

  /** Every route the listing returns, following next_cursor from the first page to the last. */
  private static List<String> walk(String query, int limit) {
    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      ApiClient.Response page =
          client.get(
              ROUTES
                  + "?"
                  + query
                  + "&limit="
                  + limit
                  + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(page.status()).as(page.toString()).isEqualTo(200);
      JsonNode body = page.json();
      assertThat(body.path("items").size()).isLessThanOrEqualTo(limit);
      body.path("items")
          .forEach(
              r -> {
                assertThat(r.path("revision").asLong()).isEqualTo(1);
                seen.add(
                    r.path("service").asText()
                        + "/"
                        + r.path("env").asText()
                        + "/"
                        + r.path("version").asText());
              });
      cursor = body.path("next_cursor").isNull() ? null : body.path("next_cursor").asText();
      assertThat(++pages).as("pages").isLessThanOrEqualTo(100);
    } while (cursor != null);
    return seen;
  }

  @Test
  void walkingThePagesVisitsEveryRouteOfTheTenantExactlyOnce() {
    List<String> seen = walk("tenant=acme", 5);

    assertThat(seen).hasSize(ACME_KEYS.size()).doesNotHaveDuplicates();
    assertThat(seen).containsExactlyInAnyOrderElementsOf(ACME_KEYS);
  }

  @Test
  void aPageAsLargeAsTheListHasNoNextCursor() {
    ApiClient.Response page = client.get(ROUTES + "?tenant=acme&limit=" + ACME_KEYS.size());
    assertThat(page.json().path("items").size()).isEqualTo(ACME_KEYS.size());
    assertThat(page.json().path("next_cursor").isNull()).isTrue();
    assertThat(page.json().has("next_cursor")).isTrue();
  }

  @Test
  void theDefaultLimitIsFifty() {
    assertThat(client.get(ROUTES + "?tenant=acme").json().path("items").size())
        .isEqualTo(Math.min(50, ACME_KEYS.size()));
  }

  @Test
  void filtersNarrowTheWalk() {
    assertThat(walk("tenant=acme&service=auth", 3)).hasSize(8).allMatch(k -> k.startsWith("auth/"));
    assertThat(walk("tenant=acme&service=auth&env=dev", 3))
        .containsExactlyInAnyOrder("auth/dev/v1", "auth/dev/v2", "auth/dev/v10", "auth/dev/v2.1");
    assertThat(walk("tenant=nobody", 3)).isEmpty();
  }

  @Test
  void aCursorOfAnotherTenantIsRejected() {
    String cursor = client.get(ROUTES + "?tenant=acme&limit=1").json().path("next_cursor").asText();
    ApiClient.Response response = client.get(ROUTES + "?tenant=other&cursor=" + cursor);
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.body()).contains("cursor");
  }
}
