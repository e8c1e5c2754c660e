package dev.trafficmanager.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The watch API over real servers: list then watch misses nothing and repeats nothing, across
 * concurrent writers and the watched API instance being restarted; the blocking query's answers and
 * refusals.
 */
@ExtendWith(SharedServers.class)
class WatchTest {
  private static final String ROUTES = "/api/v1/routes";

  private static TestEnvironment env;
  private static RunningApi api;
  private static ApiClient client;

  @BeforeAll
  static void start(TestEnvironment environment) {
    env = environment;
    env.createTopics();
    api = RunningApi.start(env.settings());
    client = api.client();
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void aWatcherFromAListsIndexGetsEveryConcurrentChangeOnceInRevisionOrderAcrossARestart()
      throws Exception {
    String tenant = "acme";
    List<String> services = List.of("checkout", "search");
    List<String> versions = List.of("v1", "v2", "v3");
    for (String service : services) {
      for (String version : versions) {
        create(client, tenant, service, "prod", version);
      }
    }
    ApiClient.Response listed = client.get(ROUTES + "?tenant=" + tenant + "&limit=500");
    assertThat(listed.status()).isEqualTo(200);
    long listIndex = listed.json().path("index").asLong();
    assertThat(listed.header("X-TM-Index")).contains(String.valueOf(listIndex));
    Map<String, JsonNode> state = new LinkedHashMap<>();
    listed.json().path("items").forEach(r -> state.put(key(r), r));

    // The watcher talks to an instance of its own, which is restarted while it watches.
    ApiService watched = startApi();
    ExecutorService writers = Executors.newFixedThreadPool(3);
    List<Future<?>> writing = new ArrayList<>();
    for (int w = 0; w < 3; w++) {
      writing.add(
          writers.submit(
              () -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < 40; i++) {
                  String service = services.get(random.nextInt(services.size()));
                  String version = versions.get(random.nextInt(versions.size()));
                  String path = ROUTES + "/" + tenant + "/" + service + "/prod/" + version;
                  ApiClient.Response written =
                      switch (random.nextInt(3)) {
                        case 0 ->
                            client.post(
                                ROUTES + "/deactivate",
                                ApiClient.key(tenant, service, "prod", version));
                        case 1 ->
                            client.post(
                                ROUTES + "/activate",
                                ApiClient.key(tenant, service, "prod", version));
                        default ->
                            client.put(
                                path,
                                ApiClient.url(
                                    "https://"
                                        + service
                                        + ".example/"
                                        + random.nextInt(1_000_000)));
                      };
                  assertThat(written.status()).as(written.toString()).isEqualTo(200);
                }
                return null;
              }));
    }

    List<JsonNode> received = new ArrayList<>();
    long index = listIndex;
    boolean restarted = false;
    long target = Long.MAX_VALUE;
    while (index < target) {
      if (!restarted && received.size() >= 20) {
        // Close it while the next watch may be parked on it, and start another in its place.
        Thread closer = new Thread(watched::close);
        closer.start();
        watched = startApi();
        closer.join();
        restarted = true;
      }
      ApiClient watcher = new ApiClient(watched.httpPort(), api.adminToken());
      ApiClient.Response answer;
      try {
        answer = watcher.get(ROUTES + "/watch?tenant=" + tenant + "&index=" + index + "&wait=2s");
      } catch (UncheckedIOException instanceGone) {
        continue;
      }
      if (answer.status() == 503) {
        continue;
      }
      assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
      JsonNode body = answer.json();
      assertThat(answer.header("X-TM-Index")).contains(body.path("index").asText());
      body.path("changes").forEach(received::add);
      index = body.path("index").asLong();
      if (target == Long.MAX_VALUE && writing.stream().allMatch(Future::isDone)) {
        for (Future<?> f : writing) {
          f.get();
        }
        target =
            client.get(ROUTES + "?tenant=" + tenant + "&limit=500").json().path("index").asLong();
      }
    }
    writers.shutdown();
    watched.close();
    assertThat(restarted).isTrue();

    // Every index after the list's, once, in order.
    List<Long> indexes = received.stream().map(c -> c.path("index").asLong()).toList();
    List<Long> expected = new ArrayList<>();
    for (long i = listIndex + 1; i <= target; i++) {
      expected.add(i);
    }
    assertThat(indexes).containsExactlyElementsOf(expected);

    // Each route's revisions follow on from the list's, each change's previous is the state the
    // list or the route's last change left, and the result is what a list shows now.
    for (JsonNode change : received) {
      String key = change.path("route_key").asText();
      JsonNode before = state.get(key);
      assertThat(change.path("revision").asLong())
          .as(change.toString())
          .isEqualTo(before.path("revision").asLong() + 1);
      assertThat(change.path("previous").path("url").asText())
          .isEqualTo(before.path("url").asText());
      assertThat(change.path("previous").path("active").asBoolean())
          .isEqualTo(before.path("active").asBoolean());
      state.put(key, change.path("current"));
    }
    ApiClient.Response now = client.get(ROUTES + "?tenant=" + tenant + "&limit=500");
    assertThat(now.json().path("index").asLong()).isEqualTo(target);
    Map<String, String> listedNow = new HashMap<>();
    now.json().path("items").forEach(r -> listedNow.put(key(r), summary(r)));
    Map<String, String> replayed = new HashMap<>();
    state.forEach((k, r) -> replayed.put(k, summary(r)));
    assertThat(replayed).isEqualTo(listedNow);
  }

  @Test
  void aWaitThatRunsOutAnswersNoChangesAndTheSameIndex() {
    create(client, "quiet", "billing", "prod", "v1");
    ApiClient.Response got = client.get(ROUTES + "/quiet/billing/prod/v1");
    long index = got.json().path("index").asLong();
    assertThat(index).isEqualTo(1);
    assertThat(got.header("X-TM-Index")).contains("1");

    ApiClient.Response answer = client.get(ROUTES + "/watch?tenant=quiet&index=1&wait=300ms");

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json().path("index").asLong()).isEqualTo(1);
    assertThat(answer.json().path("changes").size()).isZero();
    assertThat(answer.header("X-TM-Index")).contains("1");
  }

  @Test
  void aParkedWatchIsAnsweredByTheFirstChange() throws Exception {
    create(client, "parked", "billing", "prod", "v1");
    ExecutorService background = Executors.newSingleThreadExecutor();
    try {
      Future<ApiClient.Response> parked =
          background.submit(() -> client.get(ROUTES + "/watch?tenant=parked&index=1&wait=25s"));
      // The watch parks; once it does, a write answers it (and a write first is answered at once).
      await("the watch is parked")
          .atMost(Duration.ofSeconds(10))
          .until(() -> gauge("tm.watch.waiting") >= 1 || parked.isDone());
      assertThat(
              client
                  .post(ROUTES + "/deactivate", ApiClient.key("parked", "billing", "prod", "v1"))
                  .status())
          .isEqualTo(200);

      ApiClient.Response answer = parked.get();
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.json().path("index").asLong()).isEqualTo(2);
      JsonNode change = answer.json().path("changes").get(0);
      assertThat(change.path("action").asText()).isEqualTo("deactivated");
      assertThat(change.path("revision").asLong()).isEqualTo(2);
      assertThat(change.path("previous").path("active").asBoolean()).isTrue();
      assertThat(change.path("current").path("active").asBoolean()).isFalse();
    } finally {
      background.shutdownNow();
    }
  }

  @Test
  void aWatchAnswersOnlyTheServiceAndEnvAskedFor() {
    create(client, "filtered", "billing", "prod", "v1");
    create(client, "filtered", "search", "prod", "v1");
    create(client, "filtered", "billing", "dev", "v1");

    ApiClient.Response answer =
        client.get(ROUTES + "/watch?tenant=filtered&service=billing&env=prod&index=0&wait=0s");

    assertThat(answer.json().path("changes").size()).isEqualTo(1);
    assertThat(answer.json().path("changes").get(0).path("route_key").asText())
        .isEqualTo("filtered/billing/prod/v1");
    assertThat(answer.json().path("index").asLong()).isEqualTo(3);
  }

  @Test
  void theStreamSendsEachChangeAndResumesAfterItsLastEventId() {
    create(client, "streamed", "billing", "prod", "v1");
    String key = ApiClient.key("streamed", "billing", "prod", "v1");
    HttpClient http = HttpClient.newHttpClient();

    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          HttpResponse<Stream<String>> first = openStream(http, "index=0", null);
          assertThat(first.statusCode()).isEqualTo(200);
          assertThat(first.headers().firstValue("Content-Type"))
              .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
          Iterator<String> lines = first.body().iterator();
          assertThat(nextEvent(lines)).containsEntry("event", "index").containsEntry("id", "0");
          assertThat(nextEvent(lines)).containsEntry("event", "change").containsEntry("id", "1");
          client.post(ROUTES + "/deactivate", key);
          client.post(ROUTES + "/activate", key);
          Map<String, String> second = nextEvent(lines);
          assertThat(second).containsEntry("id", "2");
          assertThat(second.get("data")).contains("\"action\":\"deactivated\"");
          assertThat(nextEvent(lines)).containsEntry("id", "3");
          first.body().close();

          // Written while the client is away: the reconnect's Last-Event-ID wins over index.
          client.put(ROUTES + "/streamed/billing/prod/v1", ApiClient.url("https://b.example/4"));
          HttpResponse<Stream<String>> resumed = openStream(http, "index=0", "3");
          Iterator<String> again = resumed.body().iterator();
          assertThat(nextEvent(again)).containsEntry("event", "index").containsEntry("id", "3");
          Map<String, String> missed = nextEvent(again);
          assertThat(missed).containsEntry("event", "change").containsEntry("id", "4");
          assertThat(missed.get("data")).contains("https://b.example/4");
          resumed.body().close();
        });
  }

  private static HttpResponse<Stream<String>> openStream(
      HttpClient http, String query, String lastEventId) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://localhost:"
                        + api.api().httpPort()
                        + ROUTES
                        + "/stream?tenant=streamed&"
                        + query))
            .header("Accept", "text/event-stream")
            .header("Authorization", "Bearer " + api.adminToken());
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
  }

  /** The next event's fields (id, event, data), skipping comment lines. */
  private static Map<String, String> nextEvent(Iterator<String> lines) {
    Map<String, String> event = new HashMap<>();
    while (lines.hasNext()) {
      String line = lines.next();
      if (line.isEmpty()) {
        if (!event.isEmpty()) {
          return event;
        }
      } else if (!line.startsWith(":")) {
        int colon = line.indexOf(':');
        event.put(line.substring(0, colon), line.substring(colon + 1).strip());
      }
    }
    throw new AssertionError("the stream ended");
  }

  @Test
  void anIndexWhoseChangesAreNoLongerKeptIsGone() {
    create(client, "expired", "billing", "prod", "v1");
    create(client, "expired", "billing", "prod", "v2");
    create(client, "expired", "billing", "prod", "v3");
    // What the outbox's retention does to old rows.
    env.jdbi()
        .useHandle(
            h -> h.execute("DELETE FROM outbox WHERE tenant = 'expired' AND change_index <= 2"));

    ApiClient.Response gone = client.get(ROUTES + "/watch?tenant=expired&index=0&wait=0s");
    assertThat(gone.status()).as(gone.toString()).isEqualTo(410);
    assertThat(gone.json().path("message").asText()).contains("list the routes again");
    assertThat(client.get(ROUTES + "/watch?tenant=expired&index=1&wait=0s").status())
        .isEqualTo(410);

    ApiClient.Response streamGone = client.get(ROUTES + "/stream?tenant=expired&index=0");
    assertThat(streamGone.status()).as(streamGone.toString()).isEqualTo(410);

    ApiClient.Response kept = client.get(ROUTES + "/watch?tenant=expired&index=2&wait=0s");
    assertThat(kept.status()).isEqualTo(200);
    assertThat(kept.json().path("changes").get(0).path("index").asLong()).isEqualTo(3);
  }

  @Test
  void badIndexOrWaitIsRefusedNamingTheParameter() {
    create(client, "picky", "billing", "prod", "v1");

    assertViolation(client.get(ROUTES + "/watch?tenant=picky&index=abc"), "index");
    assertViolation(client.get(ROUTES + "/watch?tenant=picky"), "index");
    assertViolation(client.get(ROUTES + "/watch?tenant=picky&index=-1"), "index");
    assertViolation(client.get(ROUTES + "/watch?tenant=picky&index=0&wait=10h"), "wait");
    assertViolation(client.get(ROUTES + "/watch?tenant=picky&index=0&wait=6m"), "wait");
    assertViolation(client.get(ROUTES + "/watch?tenant=picky&index=0&wait=soon"), "wait");
    assertViolation(client.get(ROUTES + "/watch?tenant=picky&index=99&wait=0s"), "index");
    assertViolation(client.get(ROUTES + "/watch?tenant=picky&index=0&limit=3"), "limit");
  }

  private static void assertViolation(ApiClient.Response response, String field) {
    assertThat(response.status()).as(response.toString()).isEqualTo(400);
    assertThat(response.json().path("violations").findValuesAsText("field")).contains(field);
  }

  private static double gauge(String name) {
    return api.context().meters().get(name).gauge().value();
  }

  private static ApiService startApi() {
    ApiService started = new ApiService(env.settings());
    started.start();
    return started;
  }

  static void create(ApiClient client, String tenant, String service, String env, String version) {
    ApiClient.Response created =
        client.post(
            ROUTES,
            ApiClient.route(tenant, service, env, version, "https://" + service + ".example/v0"));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
  }

  private static String key(JsonNode route) {
    return route.path("tenant").asText()
        + "/"
        + route.path("service").asText()
        + "/"
        + route.path("env").asText()
        + "/"
        + route.path("version").asText();
  }

  private static String summary(JsonNode route) {
    return route.path("url").asText()
        + " "
        + route.path("active").asBoolean()
        + " "
        + route.path("revision").asLong();
  }
}
