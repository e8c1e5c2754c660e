package dev.trafficmanager.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trafficmanager.event.Action;
import dev.trafficmanager.event.RouteEvent;
import dev.trafficmanager.resilience.BulkheadSettings;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import dev.trafficmanager.testkit.TestTokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedServers.class)
class RouteWritesTest {
  private static final String ROUTES = "/api/v1/routes";
  private static final String URL = "https://billing.example/v1";
  private static final String OTHER_URL = "https://billing-2.example/v1";

  private static ApiService api;
  private static ApiClient client;
  private static Rows rows;
  private static TestEnvironment environment;

  @BeforeAll
  static void start(TestEnvironment env) {
    environment = env;
    env.createTopics();
    // These tests race more writers on one row lock than the default write bulkhead admits; that
    // limit has its own test (BulkheadTest), here it would only turn a slow race into a 503.
    api = new ApiService(env.with(Map.of(BulkheadSettings.WRITES, "16")));
    api.start();
    client = new ApiClient(api.httpPort(), TestTokens.admin(env.settings()));
    rows = new Rows(env.jdbi());
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  /** A tenant no other test uses, so each test counts only its own rows. */
  private static String tenant() {
    return "t-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static ApiClient.Response create(String tenant, String url, String... headers) {
    return client.post(ROUTES, ApiClient.route(tenant, "billing", "prod", "v1", url), headers);
  }

  private static ApiClient.Response activation(String tenant, boolean active, String... headers) {
    return client.post(
        ROUTES + (active ? "/activate" : "/deactivate"),
        ApiClient.key(tenant, "billing", "prod", "v1"),
        headers);
  }

  private static ApiClient.Response changeUrl(String tenant, String url, String... headers) {
    return client.put(ROUTES + "/" + tenant + "/billing/prod/v1", ApiClient.url(url), headers);
  }

  private static List<Rows.OutboxEntry> outbox(String tenant) {
    return rows.outbox(tenant + "/billing/prod/v1");
  }

  @Test
  void createAnswers201WithTheActiveRouteAtRevisionOneAndOneCreatedEvent() {
    String tenant = tenant();
    ApiClient.Response response =
        create(
            tenant,
            URL,
            "X-Correlation-ID",
            "req-123",
            "Authorization",
            "Bearer "
                + TestTokens.create(
                    environment.settings(),
                    "deploy-bot",
                    List.of(tenant),
                    List.of("routes:write"),
                    Optional.empty()));

    assertThat(response.status()).as(response.toString()).isEqualTo(201);
    assertThat(response.header("X-Correlation-ID")).contains("req-123");
    JsonNode route = response.json();
    assertThat(route.path("tenant").asText()).isEqualTo(tenant);
    assertThat(route.path("service").asText()).isEqualTo("billing");
    assertThat(route.path("env").asText()).isEqualTo("prod");
    assertThat(route.path("version").asText()).isEqualTo("v1");
    assertThat(route.path("url").asText()).isEqualTo(URL);
    assertThat(route.path("active").asBoolean()).isTrue();
    assertThat(route.path("revision").asLong()).isEqualTo(1);
    assertThat(route.path("created_at").asText()).isEqualTo(route.path("updated_at").asText());

    List<Rows.OutboxEntry> outbox = outbox(tenant);
    assertThat(outbox).hasSize(1);
    Rows.OutboxEntry entry = outbox.get(0);
    assertThat(entry.revision()).isEqualTo(1);
    assertThat(entry.eventType()).isEqualTo(RouteEvent.EVENT_TYPE);
    assertThat(entry.correlationId()).isEqualTo("req-123");
    RouteEvent event = entry.event();
    assertThat(event.action()).isEqualTo(Action.CREATED);
    assertThat(event.schemaVersion()).isEqualTo(RouteEvent.SCHEMA_VERSION);
    assertThat(event.routeKey().toString()).isEqualTo(tenant + "/billing/prod/v1");
    assertThat(event.url()).isEqualTo(URL);
    assertThat(event.active()).isTrue();
    assertThat(event.revision()).isEqualTo(1);
    assertThat(event.actor()).isEqualTo("deploy-bot");
    assertThat(event.correlationId()).isEqualTo("req-123");
    assertThat(event.occurredAt().toString()).isEqualTo(route.path("updated_at").asText());
  }

  @Test
  void repeatingACreateAnswers200WithoutAnEventAndAnotherUrlConflicts() {
    String tenant = tenant();
    assertThat(create(tenant, URL).status()).isEqualTo(201);

    ApiClient.Response again = create(tenant, URL);
    assertThat(again.status()).as(again.toString()).isEqualTo(200);
    assertThat(again.json().path("revision").asLong()).isEqualTo(1);
    assertThat(outbox(tenant)).hasSize(1);

    ApiClient.Response conflict = create(tenant, OTHER_URL);
    assertThat(conflict.status()).as(conflict.toString()).isEqualTo(409);
    assertThat(conflict.json().path("error").asText()).isEqualTo("conflict");
    assertThat(outbox(tenant)).hasSize(1);
    assertThat(client.get(ROUTES + "/" + tenant + "/billing/prod/v1").json().path("url").asText())
        .isEqualTo(URL);
  }

  @Test
  void eachEffectiveChangeBumpsTheRevisionWithOneEventAndNoOpsAddNone() {
    String tenant = tenant();
    create(tenant, URL);

    ApiClient.Response deactivated = activation(tenant, false);
    assertThat(deactivated.status()).as(deactivated.toString()).isEqualTo(200);
    assertThat(deactivated.json().path("active").asBoolean()).isFalse();
    assertThat(deactivated.json().path("revision").asLong()).isEqualTo(2);
    assertThat(activation(tenant, false).json().path("revision").asLong()).isEqualTo(2);

    ApiClient.Response activated = activation(tenant, true);
    assertThat(activated.json().path("active").asBoolean()).isTrue();
    assertThat(activated.json().path("revision").asLong()).isEqualTo(3);
    assertThat(activation(tenant, true).json().path("revision").asLong()).isEqualTo(3);

    ApiClient.Response changed = changeUrl(tenant, OTHER_URL);
    assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
    assertThat(changed.json().path("url").asText()).isEqualTo(OTHER_URL);
    assertThat(changed.json().path("revision").asLong()).isEqualTo(4);
    ApiClient.Response sameUrl = changeUrl(tenant, OTHER_URL);
    assertThat(sameUrl.status()).isEqualTo(200);
    assertThat(sameUrl.json().path("revision").asLong()).isEqualTo(4);

    List<Rows.OutboxEntry> outbox = outbox(tenant);
    assertThat(outbox).extracting(Rows.OutboxEntry::revision).containsExactly(1L, 2L, 3L, 4L);
    assertThat(outbox)
        .extracting(e -> e.event().action())
        .containsExactly(Action.CREATED, Action.DEACTIVATED, Action.ACTIVATED, Action.URL_CHANGED);
    assertThat(outbox.get(3).event().url()).isEqualTo(OTHER_URL);
    assertThat(outbox.get(1).event().active()).isFalse();

    JsonNode stored = client.get(ROUTES + "/" + tenant + "/billing/prod/v1").json();
    assertThat(stored.path("revision").asLong()).isEqualTo(4);
    assertThat(stored.path("url").asText()).isEqualTo(OTHER_URL);
  }

  @Test
  void writesToAnUnknownRouteAre404AndWriteNothing() {
    String tenant = tenant();
    for (ApiClient.Response response :
        List.of(activation(tenant, true), activation(tenant, false), changeUrl(tenant, URL))) {
      assertThat(response.status()).as(response.toString()).isEqualTo(404);
      assertThat(response.json().path("error").asText()).isEqualTo("not_found");
    }
    ApiClient.Response read = client.get(ROUTES + "/" + tenant + "/billing/prod/v1");
    assertThat(read.status()).isEqualTo(404);
    assertThat(outbox(tenant)).isEmpty();
  }

  @Test
  void everyBadFieldIsNamedInOneAnswer() {
    ApiClient.Response response =
        client.post(ROUTES, "{\"tenant\":\"A\",\"service\":5,\"env\":\"\",\"url\":\"ftp://x\"}");
    assertThat(response.status()).isEqualTo(400);
    List<String> fields = new ArrayList<>();
    response.json().path("violations").forEach(v -> fields.add(v.path("field").asText()));
    assertThat(fields).containsExactlyInAnyOrder("tenant", "service", "env", "version", "url");
  }

  @Test
  void anIdempotentRetryGetsTheFirstAnswerAndNoSecondEvent() {
    String tenant = tenant();
    String key = UUID.randomUUID().toString();
    ApiClient.Response first = create(tenant, URL, "Idempotency-Key", key);
    assertThat(first.status()).isEqualTo(201);

    ApiClient.Response retry = create(tenant, URL, "Idempotency-Key", key);
    assertThat(retry.status()).as(retry.toString()).isEqualTo(201);
    assertThat(retry.body()).isEqualTo(first.body());
    assertThat(retry.header("Idempotent-Replayed")).contains("true");
    assertThat(outbox(tenant)).hasSize(1);

    ApiClient.Response otherBody = create(tenant, OTHER_URL, "Idempotency-Key", key);
    assertThat(otherBody.status()).as(otherBody.toString()).isEqualTo(422);
    assertThat(otherBody.body()).contains("Idempotency-Key");
    assertThat(outbox(tenant)).hasSize(1);
  }

  @Test
  void aKeyUsedByOneTenantDoesNotBlockAnother() {
    String tenantA = tenant();
    String tenantB = tenant();
    String key = "deploy-42";
    assertThat(create(tenantA, URL, "Idempotency-Key", key).status()).isEqualTo(201);

    ApiClient.Response other = create(tenantB, OTHER_URL, "Idempotency-Key", key);

    assertThat(other.status()).as(other.toString()).isEqualTo(201);
    assertThat(other.header("Idempotent-Replayed")).isEmpty();
    assertThat(other.json().path("url").asText()).isEqualTo(OTHER_URL);
    assertThat(outbox(tenantB)).hasSize(1);
  }

  @Test
  void anIdempotentRetryReplaysTheFirstAnswerEvenAfterLaterWrites() {
    String tenant = tenant();
    create(tenant, URL);
    String key = UUID.randomUUID().toString();
    ApiClient.Response deactivated = activation(tenant, false, "Idempotency-Key", key);
    assertThat(deactivated.json().path("revision").asLong()).isEqualTo(2);
    assertThat(activation(tenant, true).json().path("revision").asLong()).isEqualTo(3);

    ApiClient.Response retry = activation(tenant, false, "Idempotency-Key", key);

    assertThat(retry.status()).isEqualTo(200);
    assertThat(retry.body()).isEqualTo(deactivated.body());
    JsonNode stored = client.get(ROUTES + "/" + tenant + "/billing/prod/v1").json();
    assertThat(stored.path("active").asBoolean()).isTrue();
    assertThat(stored.path("revision").asLong()).isEqualTo(3);
    assertThat(outbox(tenant)).hasSize(3);
  }

  @Test
  void aFailedWriteDoesNotUseUpItsIdempotencyKey() {
    String tenant = tenant();
    String key = UUID.randomUUID().toString();
    assertThat(activation(tenant, false, "Idempotency-Key", key).status()).isEqualTo(404);
    create(tenant, URL);

    ApiClient.Response retry = activation(tenant, false, "Idempotency-Key", key);

    assertThat(retry.status()).as(retry.toString()).isEqualTo(200);
    assertThat(retry.json().path("revision").asLong()).isEqualTo(2);
  }

  @Test
  void racingWritersGetContiguousRevisions() throws Exception {
    String tenant = tenant();
    create(tenant, URL);
    int rounds = 20;
    List<Callable<List<Integer>>> writers =
        List.of(
            // Two writers flip activation against each other: some of their calls change nothing.
            () -> repeat(rounds, i -> activation(tenant, i % 2 == 1)),
            () -> repeat(rounds, i -> activation(tenant, i % 2 == 0)),
            // Only this writer touches the URL, so each of its calls is an effective change.
            () -> repeat(rounds, i -> changeUrl(tenant, i % 2 == 0 ? OTHER_URL : URL)),
            // These change nothing, yet take the same row lock.
            () -> repeat(rounds, i -> create(tenant, i % 2 == 0 ? URL : OTHER_URL)));
    ExecutorService pool = Executors.newFixedThreadPool(writers.size());
    List<Integer> statuses = new ArrayList<>();
    try {
      for (Future<List<Integer>> result : pool.invokeAll(writers)) {
        statuses.addAll(result.get());
      }
    } finally {
      pool.shutdown();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    assertThat(statuses).allMatch(s -> s < 500);
    List<Rows.OutboxEntry> outbox = outbox(tenant);
    long changes = outbox.size();
    JsonNode stored = client.get(ROUTES + "/" + tenant + "/billing/prod/v1").json();
    assertThat(stored.path("revision").asLong()).isEqualTo(changes);
    assertThat(outbox)
        .extracting(Rows.OutboxEntry::revision)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, changes).boxed().toList());
    assertThat(outbox).allSatisfy(e -> assertThat(e.event().revision()).isEqualTo(e.revision()));
    assertThat(outbox).filteredOn(e -> e.event().action() == Action.URL_CHANGED).hasSize(rounds);
    // No lost update: every event changed what the one before it left behind.
    for (int i = 1; i < outbox.size(); i++) {
      RouteEvent before = outbox.get(i - 1).event();
      RouteEvent after = outbox.get(i).event();
      assertThat(after.active() != before.active() || !after.url().equals(before.url()))
          .as("revision %d changes revision %d", after.revision(), before.revision())
          .isTrue();
    }
    RouteEvent last = outbox.get(outbox.size() - 1).event();
    assertThat(stored.path("active").asBoolean()).isEqualTo(last.active());
    assertThat(stored.path("url").asText()).isEqualTo(last.url());
  }

  @Test
  void racingCreatesMakeOneRouteAndOneEvent() throws Exception {
    String tenant = tenant();
    List<Integer> statuses = concurrently(6, i -> create(tenant, URL));
    assertThat(statuses).containsOnlyOnce(201).containsOnly(201, 200);
    assertThat(outbox(tenant)).hasSize(1);

    String other = tenant();
    List<Integer> conflicting = concurrently(6, i -> create(other, i % 2 == 0 ? URL : OTHER_URL));
    assertThat(conflicting).containsOnlyOnce(201).containsOnly(201, 200, 409);
    assertThat(outbox(other)).hasSize(1);
  }

  @Test
  void concurrentRetriesWithOneIdempotencyKeyWriteOnce() throws Exception {
    String tenant = tenant();
    create(tenant, URL);
    String key = UUID.randomUUID().toString();

    List<Integer> statuses =
        concurrently(6, i -> changeUrl(tenant, OTHER_URL, "Idempotency-Key", key));

    assertThat(statuses).containsOnly(200);
    assertThat(outbox(tenant)).extracting(Rows.OutboxEntry::revision).containsExactly(1L, 2L);
  }

  /** Runs {@code call} once on each of {@code threads} threads at the same time. */
  private static List<Integer> concurrently(int threads, Call call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch ready = new CountDownLatch(threads);
    List<Callable<Integer>> calls = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      int round = i;
      calls.add(
          () -> {
            ready.countDown();
            ready.await();
            return call.run(round).status();
          });
    }
    List<Integer> statuses = new ArrayList<>();
    try {
      for (Future<Integer> result : pool.invokeAll(calls)) {
        statuses.add(result.get());
      }
    } finally {
      pool.shutdown();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
    return statuses;
  }

  private interface Call {
    ApiClient.Response run(int round);
  }

  private static List<Integer> repeat(int rounds, Call call) {
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      statuses.add(call.run(i).status());
    }
    return statuses;
  }
}
