package dev.trafficmanager.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trafficmanager.api.ApiService;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import dev.trafficmanager.testkit.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client against a real API on real servers: its replica converges after each change within
 * {@link #CONVERGENCE} and answers what the API answers while several writers write; it survives
 * the instance it talks to stopping and being restarted, relists when its index is no longer kept,
 * asks the API when it has no replica, and says clearly when its token is refused.
 */
@ExtendWith(SharedServers.class)
class TrafficManagerClientTest {
  /**
   * The bound the README states: a change acknowledged by the instance the client watches is in the
   * replica within it (in practice milliseconds), also when that instance is replaced.
   */
  private static final Duration CONVERGENCE = Duration.ofSeconds(10);

  /** How many hash keys the replica's picks are compared with the API's for. */
  private static final int HASH_KEYS = 1_000;

  private static final Logger log = LoggerFactory.getLogger(TrafficManagerClientTest.class);
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static TestEnvironment env;
  private static ApiService api;
  private static String adminToken;

  @BeforeAll
  static void start(TestEnvironment environment) {
    env = environment;
    env.createTopics();
    api = startApi(0);
    adminToken = TestTokens.admin(env.settings());
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void theReplicaConvergesAfterEachChangeAndAnswersWhatTheApiAnswersUnderConcurrentWriters()
      throws Exception {
    String tenant = "steady";
    RouteWrites writes = new RouteWrites(base(api), adminToken, tenant);
    int writers = 3;
    List<String> services = List.of("checkout", "search", "billing", "cart", "auth", "media");
    for (String service : services) {
      writes.create(service, "prod", "v1", "https://" + service + ".example/0");
    }
    try (TrafficManagerClient client = client(tenant, base(api));
        TrafficManagerClient apiOnly = apiOnly(tenant, adminToken)) {
      assertThat(client.awaitReady(CONVERGENCE)).isTrue();
      assertThat(client.replicaStatus().routes()).isEqualTo(services.size());

      // Each writer owns two routes, so that after its write nobody else changes them until it has
      // checked the replica and the API; the writers still race for the tenant's change index.
      ExecutorService pool = Executors.newFixedThreadPool(writers);
      List<Future<Integer>> writing = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        List<String> owned = services.subList(2 * w, 2 * w + 2);
        writing.add(pool.submit(() -> writeAndCheck(writes, client, apiOnly, owned, 25)));
      }
      int checked = 0;
      for (Future<Integer> done : writing) {
        checked += done.get();
      }
      pool.shutdown();
      assertThat(checked).isEqualTo(writers * 25);

      for (String service : services) {
        assertThat(comparable(client.resolve(service, "prod", "v1")))
            .isEqualTo(comparable(apiOnly.resolve(service, "prod", "v1")));
      }
      ReplicaStatus status = client.replicaStatus();
      assertThat(status.ready()).isTrue();
      assertThat(status.lists()).isEqualTo(1);
      assertThat(status.lastFailure()).isEmpty();
      assertThat(status.sinceConfirmedCurrent()).isPresent();
    }
  }

  /**
   * Changes its routes at random (a new URL or a deactivation when active, an activation when not),
   * and after each change waits for the replica to show it and checks the API says the same.
   */
  private static int writeAndCheck(
      RouteWrites writes,
      TrafficManagerClient client,
      TrafficManagerClient apiOnly,
      List<String> services,
      int changes) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    boolean[] active = new boolean[services.size()];
    Arrays.fill(active, true);
    for (int i = 0; i < changes; i++) {
      int at = random.nextInt(services.size());
      String service = services.get(at);
      RouteWrites.Written written;
      if (!active[at]) {
        written = writes.activate(service, "prod", "v1");
      } else if (random.nextBoolean()) {
        written = writes.deactivate(service, "prod", "v1");
      } else {
        written =
            writes.changeUrl(
                service,
                "prod",
                "v1",
                "https://" + service + ".example/" + random.nextInt(1000000));
      }
      active[at] = written.active();
      Optional<String> expected =
          written.active()
              ? Optional.of(written.url() + "@" + written.revision())
              : Optional.empty();
      await("the replica shows " + service + " at revision " + written.revision())
          .atMost(CONVERGENCE)
          .until(() -> comparable(client.resolve(service, "prod", "v1")).equals(expected));
      assertThat(client.resolve(service, "prod", "v1").map(Resolution::source))
          .isNotEqualTo(Optional.of(Resolution.Source.API));
      assertThat(comparable(apiOnly.resolve(service, "prod", "v1"))).isEqualTo(expected);
    }
    return changes;
  }

  @Test
  void aSplitIsFollowedAsItIsSetChangedAndDeletedAndPicksWhatTheApiPicksForEveryKey()
      throws Exception {
    String tenant = "splitting";
    RouteWrites writes = new RouteWrites(base(api), adminToken, tenant);
    for (String version : List.of("v1", "v2", "v3")) {
      writes.create("checkout", "prod", version, "https://" + version + ".checkout.example");
    }
    writes.create("search", "prod", "v1", "https://search.example/0");
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < HASH_KEYS; i++) {
      keys.add("user-" + i);
    }
    ExecutorService background = Executors.newSingleThreadExecutor();
    try (TrafficManagerClient client = client(tenant, base(api))) {
      assertThat(client.awaitReady(CONVERGENCE)).isTrue();
      // No split yet: answered from memory as the API's 404.
      assertThat(client.resolve("checkout", "prod", HashKey.of("user-0"))).isEmpty();
      assertSameAnswersAsTheApi(client, tenant, keys);

      // Another service's route keeps changing while the split does, so its changes land between
      // the split's in the tenant's history.
      AtomicBoolean stop = new AtomicBoolean();
      Future<Integer> otherWrites =
          background.submit(
              () -> {
                int written = 0;
                while (!stop.get()) {
                  writes.changeUrl("search", "prod", "v1", "https://search.example/" + ++written);
                  Thread.sleep(20);
                }
                return written;
              });

      long revision =
          writes.putSplit("checkout", "prod", Map.of("v1", 80, "v2", 10, "v3", 10), 201);
      awaitSplitRevision(client, revision);
      assertSameAnswersAsTheApi(client, tenant, keys);
      Map<String, String> before = replicaVersions(client, keys);
      assertThat(client.replicaStatus().splits()).isOne();

      // The canary grows while the others shrink or stay: keys only move onto v2, never off it.
      revision = writes.putSplit("checkout", "prod", Map.of("v1", 55, "v2", 35, "v3", 10), 200);
      awaitSplitRevision(client, revision);
      assertSameAnswersAsTheApi(client, tenant, keys);
      Map<String, String> after = replicaVersions(client, keys);
      before.forEach(
          (key, version) -> {
            if (version.equals("v2")) {
              assertThat(after.get(key)).as(key).isEqualTo("v2");
            }
          });

      // The picked version's route changes: the split's answers follow it.
      writes.changeUrl("checkout", "prod", "v2", "https://v2-moved.checkout.example");
      String onV2 = keys.stream().filter(k -> after.get(k).equals("v2")).findFirst().orElseThrow();
      await("the replica answers v2's new URL")
          .atMost(CONVERGENCE)
          .until(
              () ->
                  client
                      .resolve("checkout", "prod", HashKey.of(onV2))
                      .map(Resolution::url)
                      .equals(Optional.of("https://v2-moved.checkout.example")));
      assertSameAnswersAsTheApi(client, tenant, keys);

      // Without a hash key a bucket is drawn at random: v2 gets about its 35 % (5 deviations).
      long onCanary =
          IntStream.range(0, HASH_KEYS)
              .mapToObj(i -> client.resolve("checkout", "prod"))
              .filter(r -> r.flatMap(Resolution::version).equals(Optional.of("v2")))
              .count();
      assertThat(onCanary).isBetween(HASH_KEYS * 35L / 100 - 75, HASH_KEYS * 35L / 100 + 75);

      writes.deleteSplit("checkout", "prod");
      awaitSplitInReplica(
          "the replica drops the deleted split", () -> client.replicaStatus().splits() == 0);
      assertThat(client.resolve("checkout", "prod", HashKey.of("user-0"))).isEmpty();
      assertSameAnswersAsTheApi(client, tenant, keys);

      stop.set(true);
      assertThat(otherWrites.get()).isPositive();
      awaitUrl(client, "search", "https://search.example/" + otherWrites.get());
      assertThat(client.replicaStatus().lists()).isEqualTo(1);
      assertThat(client.replicaStatus().lastFailure()).isEmpty();
    } finally {
      background.shutdownNow();
    }
  }

  /** Waits until the replica answers from the split at {@code revision}, within the bound. */
  private static void awaitSplitRevision(TrafficManagerClient client, long revision) {
    awaitSplitInReplica(
        "the replica picks by the split at revision " + revision,
        () ->
            client
                .resolve("checkout", "prod", HashKey.of("user-0"))
                .filter(r -> r.source() == Resolution.Source.REPLICA)
                .flatMap(Resolution::picked)
                .map(Picked::splitRevision)
                .equals(Optional.of(revision)));
  }

  /**
   * Waits for a split's change to be in the replica, within the bound, and logs how long that took
   * after the write was acknowledged (the README quotes it).
   */
  private static void awaitSplitInReplica(String change, Callable<Boolean> inReplica) {
    long acknowledged = System.nanoTime();
    await(change).pollInterval(Duration.ofMillis(1)).atMost(CONVERGENCE).until(inReplica);
    log.info(
        "event=split_in_replica change=\"{}\" after_ack_ms={}",
        change,
        Duration.ofNanos(System.nanoTime() - acknowledged).toMillis());
  }

  /**
   * For each key, the replica's answer (from memory) and the API's to a plain HTTP resolve with the
   * same {@code hash_key}: the same version, URL, revision and pick, or both nothing.
   */
  private static void assertSameAnswersAsTheApi(
      TrafficManagerClient client, String tenant, List<String> keys) throws Exception {
    for (String key : keys) {
      Optional<Resolution> local = client.resolve("checkout", "prod", HashKey.of(key));
      HttpResponse<String> remote =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create(
                          base(api)
                              + "/api/v1/routes/resolve?tenant="
                              + tenant
                              + "&service=checkout&env=prod&hash_key="
                              + key))
                  .header("Authorization", "Bearer " + adminToken)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (remote.statusCode() == 404) {
        assertThat(local).as(key).isEmpty();
        continue;
      }
      assertThat(remote.statusCode()).as(remote.body()).isEqualTo(200);
      JsonNode answer = JSON.readTree(remote.body());
      JsonNode picked = answer.path("picked");
      assertThat(local)
          .as(key)
          .hasValue(
              new Resolution(
                  answer.path("url").asText(),
                  answer.path("revision").asLong(),
                  Optional.of(answer.path("version").asText()),
                  Optional.of(
                      new Picked(
                          picked.path("version").asText(),
                          Optional.of(HashKey.of(picked.path("hash_key").asText())),
                          picked.path("bucket").asInt(),
                          picked.path("weight").asInt(),
                          picked.path("split_revision").asLong())),
                  Resolution.Source.REPLICA));
    }
  }

  private static Map<String, String> replicaVersions(
      TrafficManagerClient client, List<String> keys) {
    Map<String, String> versions = new HashMap<>();
    for (String key : keys) {
      client
          .resolve("checkout", "prod", HashKey.of(key))
          .flatMap(Resolution::version)
          .ifPresent(v -> versions.put(key, v));
    }
    return versions;
  }

  @Test
  void itMovesToAnotherInstanceWhenItsOwnStopsAndBackWhenItIsRestarted() throws Exception {
    String tenant = "moving";
    ApiService first = startApi(0);
    int firstPort = first.httpPort();
    ApiService second = startApi(0);
    RouteWrites writes = new RouteWrites(base(first), adminToken, tenant);
    writes.create("checkout", "prod", "v1", "https://checkout.example/0");
    try (TrafficManagerClient client = client(tenant, base(first), base(second))) {
      assertThat(client.awaitReady(CONVERGENCE)).isTrue();
      assertThat(client.replicaStatus().instance().getPort()).isEqualTo(firstPort);

      // Closed while the client's blocking query is parked on it.
      first.close();
      writes.through(base(second)).changeUrl("checkout", "prod", "v1", "https://second.example");
      awaitUrl(client, "checkout", "https://second.example");
      assertThat(client.replicaStatus().instance().getPort()).isEqualTo(second.httpPort());

      // The first comes back where it was; the second goes away.
      ApiService restarted = startApi(firstPort);
      try {
        second.close();
        writes.changeUrl("checkout", "prod", "v1", "https://restarted.example");
        awaitUrl(client, "checkout", "https://restarted.example");
        ReplicaStatus status = client.replicaStatus();
        assertThat(status.instance().getPort()).isEqualTo(firstPort);
        // An index is valid on every instance and across restarts: no relist was needed.
        assertThat(status.lists()).isEqualTo(1);
        await("the failures are behind it")
            .atMost(CONVERGENCE)
            .until(() -> client.replicaStatus().lastFailure().isEmpty());
      } finally {
        restarted.close();
      }
    } finally {
      first.close();
      second.close();
    }
  }

  @Test
  void aChangeAnotherInstanceTookReachesTheReplica() throws Exception {
    String tenant = "elsewhere";
    ApiService watched = startApi(0);
    RouteWrites writes = new RouteWrites(base(api), adminToken, tenant);
    writes.create("checkout", "prod", "v1", "https://checkout.example/0");
    try (TrafficManagerClient client = client(tenant, base(watched))) {
      assertThat(client.awaitReady(CONVERGENCE)).isTrue();

      for (int i = 1; i <= 3; i++) {
        writes.changeUrl("checkout", "prod", "v1", "https://checkout.example/" + i);
        awaitUrl(client, "checkout", "https://checkout.example/" + i);
      }
    } finally {
      watched.close();
    }
  }

  @Test
  void anIndexNoLongerKeptMakesItListRoutesAndSplitsAgain() throws Exception {
    String tenant = "expiring";
    ApiService watched = startApi(0);
    int port = watched.httpPort();
    RouteWrites writes = new RouteWrites(base(api), adminToken, tenant);
    writes.create("checkout", "prod", "v1", "https://checkout.example/0");
    writes.create("search", "prod", "v1", "https://search.example/0");
    writes.putSplit("search", "prod", Map.of("v1", 100), 201);
    try (TrafficManagerClient client = client(tenant, base(watched))) {
      assertThat(client.awaitReady(CONVERGENCE)).isTrue();
      await("the replica is confirmed current")
          .atMost(CONVERGENCE)
          .until(() -> client.replicaStatus().sinceConfirmedCurrent().isPresent());
      long held = client.replicaStatus().index();
      assertThat(client.resolve("search", "prod", HashKey.of("user-1")))
          .hasValueSatisfying(r -> assertThat(r.source()).isEqualTo(Resolution.Source.REPLICA));

      // While its instance is away, four changes land elsewhere (the last deletes the split) and
      // the retention takes the first two of them: the changes after the client's index are no
      // longer all kept.
      watched.close();
      writes.deactivate("checkout", "prod", "v1");
      writes.activate("checkout", "prod", "v1");
      writes.changeUrl("checkout", "prod", "v1", "https://after-the-gap.example");
      writes.deleteSplit("search", "prod");
      env.jdbi()
          .useHandle(
              h ->
                  h.createUpdate(
                          "DELETE FROM outbox WHERE tenant = :tenant AND change_index <= :upTo")
                      .bind("tenant", tenant)
                      .bind("upTo", held + 2)
                      .execute());
      watched = startApi(port);

      awaitUrl(client, "checkout", "https://after-the-gap.example");
      assertThat(client.replicaStatus().lists()).isEqualTo(2);
      assertThat(client.replicaStatus().index()).isGreaterThanOrEqualTo(held + 4);
      // The new list took the old splits' place: the deleted split is gone, answered from memory.
      assertThat(client.replicaStatus().splits()).isZero();
      assertThat(client.resolve("search", "prod", HashKey.of("user-1"))).isEmpty();
    } finally {
      watched.close();
    }
  }

  @Test
  void withoutAReplicaEveryResolveAsksTheApi() {
    String tenant = "direct";
    new RouteWrites(base(api), adminToken, tenant)
        .create("checkout", "prod", "v1", "https://checkout.example/0");
    try (TrafficManagerClient client = apiOnly(tenant, adminToken)) {
      assertThat(client.resolve("checkout", "prod", "v1"))
          .hasValueSatisfying(
              r -> {
                assertThat(r.url()).isEqualTo("https://checkout.example/0");
                assertThat(r.revision()).isEqualTo(1);
                assertThat(r.source()).isEqualTo(Resolution.Source.API);
              });
      assertThat(client.resolve("checkout", "prod", "v9")).isEmpty();
      assertThat(client.replicaStatus().ready()).isFalse();
    }
  }

  @Test
  void aWrongTokenIsAClearErrorOnResolveAndInTheStatus() throws Exception {
    try (TrafficManagerClient client =
        TrafficManagerClient.builder()
            .baseUrl(base(api))
            .token("tm_not-a-token-the-api-ever-made")
            .tenant("steady")
            .build()) {
      assertThatThrownBy(() -> client.resolve("checkout", "prod", "v1"))
          .isInstanceOfSatisfying(
              TrafficManagerException.class, e -> assertThat(e.status()).isEqualTo(401))
          .hasMessageContaining("answered 401 invalid_token")
          .hasMessageContaining("token is missing, unknown, expired or revoked");
      await("the replica reports the refusal")
          .atMost(CONVERGENCE)
          .until(() -> client.replicaStatus().lastFailure().orElse("").contains("401"));
      assertThat(client.awaitReady(Duration.ofMillis(200))).isFalse();
    }
  }

  @Test
  void aTokenWithoutTheTenantIsAClearError() {
    String otherTenants =
        TestTokens.create(
            env.settings(),
            "globex-reader",
            List.of("globex"),
            List.of("routes:read"),
            Optional.empty());
    try (TrafficManagerClient client = apiOnly("acme", otherTenants)) {
      assertThatThrownBy(() -> client.resolve("checkout", "prod", "v1"))
          .isInstanceOfSatisfying(
              TrafficManagerException.class, e -> assertThat(e.status()).isEqualTo(403))
          .hasMessageContaining("needs routes:read for tenant acme");
    }
  }

  private static void awaitUrl(TrafficManagerClient client, String service, String url) {
    await("the replica resolves " + service + " to " + url)
        .atMost(CONVERGENCE)
        .until(
            () ->
                client
                    .resolve(service, "prod", "v1")
                    .filter(r -> r.source() == Resolution.Source.REPLICA)
                    .map(Resolution::url)
                    .equals(Optional.of(url)));
  }

  /** What two answers must share to match: URL and revision, whoever answered. */
  private static Optional<String> comparable(Optional<Resolution> resolution) {
    return resolution.map(r -> r.url() + "@" + r.revision());
  }

  private static TrafficManagerClient client(String tenant, String... bases) {
    TrafficManagerClient.Builder builder =
        TrafficManagerClient.builder()
            .token(adminToken)
            .tenant(tenant)
            .watchWait(Duration.ofSeconds(5))
            .maxBackoff(Duration.ofMillis(500));
    for (String base : bases) {
      builder.baseUrl(base);
    }
    return builder.build();
  }

  /** A client without a replica: every resolve asks the API. */
  private static TrafficManagerClient apiOnly(String tenant, String token) {
    return TrafficManagerClient.builder()
        .baseUrl(base(api))
        .token(token)
        .tenant(tenant)
        .localReplica(false)
        .build();
  }

  private static String base(ApiService instance) {
    return "http://localhost:" + instance.httpPort();
  }

  private static ApiService startApi(int port) {
    ApiService started = new ApiService(env.with(Map.of("TM_HTTP_PORT", String.valueOf(port))));
    started.start();
    return started;
  }
}
