package dev.trafficmanager.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trafficmanager.split.SplitAssignment;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import dev.trafficmanager.testkit.TestTokens;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Weighted splits through the API against real servers: writes (one transaction and one event each,
 * nothing for a refused one), reads, resolve by split (sticky by hash key), the deactivation guard,
 * and the split's way into this instance's cache and the change index.
 */
@ExtendWith(SharedServers.class)
class SplitsTest {
  private static final String ROUTES = "/api/v1/routes";
  private static final String SPLITS = "/api/v1/splits";
  private static final String V1_URL = "https://checkout.acme.example/v1";
  private static final String V2_URL = "https://checkout.acme.example/v2";

  private static ApiService api;
  private static ApiClient client;
  private static Jdbi jdbi;

  @BeforeAll
  static void start(TestEnvironment env) {
    api = new ApiService(env.settings());
    api.start();
    client = new ApiClient(api.httpPort(), TestTokens.admin(env.settings()));
    jdbi = env.jdbi();
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  /** A tenant no other test uses, with active routes v1 and v2 of checkout in prod. */
  private static String tenantWithTwoVersions() {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    for (String[] route : List.of(new String[] {"v1", V1_URL}, new String[] {"v2", V2_URL})) {
      ApiClient.Response created =
          client.post(ROUTES, ApiClient.route(tenant, "checkout", "prod", route[0], route[1]));
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }
    return tenant;
  }

  private static String split(String tenant) {
    return SPLITS + "/" + tenant + "/checkout/prod";
  }

  private static ApiClient.Response put(String tenant, String weights, String... headers) {
    return client.put(split(tenant), "{\"weights\":" + weights + "}", headers);
  }

  private static ApiClient.Response resolve(String tenant, String hashKey) {
    return client.get(
        ROUTES
            + "/resolve?tenant="
            + tenant
            + "&service=checkout&env=prod"
            + (hashKey == null ? "" : "&hash_key=" + hashKey));
  }

  /** The split's outbox rows, in order: event type and the payload's weights. */
  private static List<String> splitEvents(String tenant) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT event_type || ' ' || revision || ' ' || (payload::jsonb -> 'weights')"
                        + " || ' v' || (payload::jsonb ->> 'schema_version')"
                        + " FROM outbox WHERE route_key = :key ORDER BY id")
                .bind("key", tenant + "/checkout/prod")
                .mapTo(String.class)
                .list());
  }

  private static long splitRows(String tenant) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT count(*) FROM splits WHERE tenant = :t")
                .bind("t", tenant)
                .mapTo(Long.class)
                .one());
  }

  @Test
  void aSplitIsSetReadListedChangedAndDeletedEachChangeOneEvent() {
    String tenant = tenantWithTwoVersions();

    ApiClient.Response created = put(tenant, "{\"v1\":90,\"v2\":10}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.json().path("weights").toString()).isEqualTo("{\"v1\":90,\"v2\":10}");
    assertThat(created.json().path("revision").asLong()).isEqualTo(1);

    ApiClient.Response again = put(tenant, "{\"v2\":10,\"v1\":90}");
    assertThat(again.status()).as(again.toString()).isEqualTo(200);
    assertThat(again.json().path("revision").asLong()).isEqualTo(1);

    ApiClient.Response read = client.get(split(tenant));
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json().path("weights").path("v2").asInt()).isEqualTo(10);

    ApiClient.Response listed = client.get(SPLITS + "?tenant=" + tenant);
    assertThat(listed.status()).isEqualTo(200);
    assertThat(listed.json().path("items")).hasSize(1);
    // Two creates and the split: the list shows the tenant's history up to its third change.
    assertThat(listed.json().path("index").asLong()).isEqualTo(3);
    assertThat(listed.header("X-TM-Index")).hasValue("3");

    ApiClient.Response changed = put(tenant, "{\"v1\":50,\"v2\":50}");
    assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
    assertThat(changed.json().path("revision").asLong()).isEqualTo(2);

    ApiClient.Response deleted = client.delete(split(tenant));
    assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
    assertThat(deleted.json().path("weights").size()).isZero();
    assertThat(client.get(split(tenant)).status()).isEqualTo(404);
    assertThat(client.delete(split(tenant)).status()).isEqualTo(404);
    assertThat(client.get(SPLITS + "?tenant=" + tenant).json().path("items")).isEmpty();

    ApiClient.Response recreated = put(tenant, "{\"v1\":100}");
    assertThat(recreated.status()).as(recreated.toString()).isEqualTo(201);
    assertThat(recreated.json().path("revision").asLong()).isEqualTo(4);

    assertThat(splitEvents(tenant))
        .containsExactly(
            "split_changed 1 {\"v1\": 90, \"v2\": 10} v2",
            "split_changed 2 {\"v1\": 50, \"v2\": 50} v2",
            "split_changed 3 {} v2",
            "split_changed 4 {\"v1\": 100} v2");
  }

  @Test
  void everyInvalidSplitIsRefusedNamingTheProblemAndWritesNothing() {
    String tenant = tenantWithTwoVersions();
    client.post(ROUTES + "/deactivate", ApiClient.key(tenant, "checkout", "prod", "v2"));

    record Refused(String body, int status, String names) {}
    List<Refused> cases =
        List.of(
            new Refused("{\"weights\":{\"v1\":90,\"v2\":20}}", 400, "must sum to 100, not 110"),
            new Refused("{\"weights\":{\"v1\":110,\"v3\":-10}}", 400, "weights.v1"),
            new Refused("{\"weights\":{\"v1\":99.5,\"v3\":0.5}}", 400, "whole number"),
            new Refused("{\"weights\":{\"v1\":\"100\"}}", 400, "weights.v1"),
            new Refused("{\"weights\":{\"V1!\":100}}", 400, "weights.V1!"),
            new Refused("{\"weights\":{}}", 400, "must be an object"),
            new Refused("{\"weights\":[100]}", 400, "must be an object"),
            new Refused("{}", 400, "weights"),
            new Refused("[]", 400, "body"),
            new Refused("{\"weights\":{\"v1\":50,\"v9\":50}}", 409, "do not exist: v9"),
            new Refused("{\"weights\":{\"v1\":50,\"v2\":50}}", 409, "not active: v2"));
    for (Refused refused : cases) {
      ApiClient.Response response = client.put(split(tenant), refused.body());
      assertThat(response.status()).as(refused + " -> " + response).isEqualTo(refused.status());
      assertThat(response.body()).as(refused.toString()).contains(refused.names());
    }
    ApiClient.Response badPath =
        client.put(SPLITS + "/" + tenant + "/Checkout/prod", "{\"weights\":{\"v1\":100}}");
    assertThat(badPath.status()).isEqualTo(400);
    assertThat(badPath.body()).contains("service");
    ApiClient.Response notJson =
        client.put(split(tenant), "{\"weights\":{\"v1\":100}}", "Content-Type", "text/plain");
    assertThat(notJson.status()).isEqualTo(415);
    assertThat(client.delete(split(tenant)).status()).isEqualTo(404);

    assertThat(splitRows(tenant)).isZero();
    assertThat(splitEvents(tenant)).isEmpty();
  }

  @Test
  void resolveWithoutAVersionPicksBySplitStickyByHashKeyAndSaysWhy() {
    String tenant = tenantWithTwoVersions();
    assertThat(resolve(tenant, "user-1").status()).isEqualTo(404);
    assertThat(put(tenant, "{\"v1\":70,\"v2\":30}").status()).isEqualTo(201);
    SplitAssignment contract = SplitAssignment.of(Map.of("v1", 70, "v2", 30));

    Set<String> versions = new HashSet<>();
    for (int i = 0; i < 40; i++) {
      String key = "user-" + i;
      JsonNode answer = resolve(tenant, key).json();
      String expected = contract.versionFor(key);
      versions.add(expected);
      assertThat(answer.path("picked").path("version").asText()).as(key).isEqualTo(expected);
      assertThat(answer.path("version").asText()).isEqualTo(expected);
      assertThat(answer.path("picked").path("by").asText()).isEqualTo("split");
      assertThat(answer.path("picked").path("hash_key").asText()).isEqualTo(key);
      assertThat(answer.path("picked").path("bucket").asInt())
          .isEqualTo(SplitAssignment.bucketOf(key));
      assertThat(answer.path("url").asText()).isEqualTo(expected.equals("v1") ? V1_URL : V2_URL);
      assertThat(resolve(tenant, key).json().path("picked").path("version").asText())
          .isEqualTo(expected);
    }
    assertThat(versions).containsExactlyInAnyOrder("v1", "v2");

    JsonNode random = resolve(tenant, null).json();
    assertThat(random.path("picked").path("hash_key").isNull()).isTrue();
    assertThat(random.path("picked").path("version").asText()).isIn("v1", "v2");
    ApiClient.Response both =
        client.get(
            ROUTES
                + "/resolve?tenant="
                + tenant
                + "&service=checkout&env=prod&version=v1&hash_key=user-1");
    assertThat(both.status()).isEqualTo(400);
    assertThat(both.body()).contains("hash_key");
  }

  @Test
  void aSplitChangeIsResolvedAtOnceOnTheInstanceThatWroteIt() {
    String tenant = tenantWithTwoVersions();
    put(tenant, "{\"v1\":100,\"v2\":0}");
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      keys.add("session-" + i);
      // Fills this instance's split cache, which would keep the split for its TTL.
      assertThat(resolve(tenant, "session-" + i).json().path("picked").path("version").asText())
          .isEqualTo("v1");
    }

    put(tenant, "{\"v1\":0,\"v2\":100}");

    for (String key : keys) {
      assertThat(resolve(tenant, key).json().path("picked").path("version").asText())
          .as(key)
          .isEqualTo("v2");
    }
    client.delete(split(tenant));
    assertThat(resolve(tenant, "session-1").status()).isEqualTo(404);
  }

  @Test
  void deactivatingAVersionThatCarriesWeightIs409NamingTheSplitAndWritesNothing() {
    String tenant = tenantWithTwoVersions();
    put(tenant, "{\"v1\":90,\"v2\":10}");

    ApiClient.Response refused =
        client.post(ROUTES + "/deactivate", ApiClient.key(tenant, "checkout", "prod", "v2"));

    assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
    assertThat(refused.json().path("message").asText())
        .contains("v2")
        .contains("split " + tenant + "/checkout/prod");
    assertThat(
            client
                .get(ROUTES + "/" + tenant + "/checkout/prod/v2")
                .json()
                .path("active")
                .asBoolean())
        .isTrue();

    put(tenant, "{\"v1\":100,\"v2\":0}");
    ApiClient.Response allowed =
        client.post(ROUTES + "/deactivate", ApiClient.key(tenant, "checkout", "prod", "v2"));
    assertThat(allowed.status()).as(allowed.toString()).isEqualTo(200);
    assertThat(allowed.json().path("active").asBoolean()).isFalse();
  }

  @Test
  void aRetriedSplitWriteWithTheSameIdempotencyKeyGetsTheFirstAnswerAndNoSecondEvent() {
    String tenant = tenantWithTwoVersions();
    String key = "split-" + UUID.randomUUID();

    ApiClient.Response first = put(tenant, "{\"v1\":90,\"v2\":10}", "Idempotency-Key", key);
    put(tenant, "{\"v1\":80,\"v2\":20}");
    ApiClient.Response retry = put(tenant, "{\"v1\":90,\"v2\":10}", "Idempotency-Key", key);

    assertThat(first.status()).isEqualTo(201);
    assertThat(retry.status()).isEqualTo(201);
    assertThat(retry.header("Idempotent-Replayed")).hasValue("true");
    assertThat(retry.body()).isEqualTo(first.body());
    assertThat(splitEvents(tenant)).hasSize(2);
  }

  @Test
  void aWatcherSeesASplitChangeWithItsSplitKeyAndStates() {
    String tenant = tenantWithTwoVersions();
    put(tenant, "{\"v1\":90,\"v2\":10}");
    put(tenant, "{\"v1\":80,\"v2\":20}");

    JsonNode answer = client.get(ROUTES + "/watch?tenant=" + tenant + "&index=2&wait=0s").json();

    assertThat(answer.path("index").asLong()).isEqualTo(4);
    JsonNode second = answer.path("changes").get(1);
    assertThat(second.path("action").asText()).isEqualTo("split_changed");
    assertThat(second.path("split_key").asText()).isEqualTo(tenant + "/checkout/prod");
    assertThat(second.has("route_key")).isFalse();
    assertThat(second.path("previous").path("weights").path("v1").asInt()).isEqualTo(90);
    assertThat(second.path("current").path("weights").path("v1").asInt()).isEqualTo(80);
    assertThat(second.path("revision").asLong()).isEqualTo(2);
  }
}
