package dev.trafficmanager.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the client asks of the API, and when, against a stand-in whose list the test holds back: the
 * moments a real API passes too quickly to test (before the replica is ready), and the exact query
 * of a resolve without a version.
 */
class ClientFallbackTest {
  private static final String LISTED =
      "{\"items\":[{\"tenant\":\"acme\",\"service\":\"checkout\",\"env\":\"prod\","
          + "\"version\":\"v1\",\"url\":\"https://replica.example\",\"active\":true,"
          + "\"revision\":3}],\"next_cursor\":null,\"index\":7}";

  private static final String RESOLVED = "{\"url\":\"https://api.example\",\"revision\":3}";
  private static final String PICKED =
      "{\"url\":\"https://v2.example\",\"revision\":5,\"version\":\"v2\","
          + "\"picked\":{\"version\":\"v2\",\"by\":\"split\",\"hash_key\":\"user 42\","
          + "\"bucket\":46,\"weight\":10,\"split_revision\":2}}";

  private final CountDownLatch listAllowed = new CountDownLatch(1);
  private final List<String> resolveQueries = new CopyOnWriteArrayList<>();
  private final ExecutorService handlers = Executors.newCachedThreadPool();
  private HttpServer server;

  @BeforeEach
  void startStandIn() throws IOException {
    server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
    server.setExecutor(handlers);
    server.createContext(
        "/api/v1/splits", exchange -> answer(exchange, 200, "{\"items\":[],\"index\":7}"));
    server.createContext(
        "/api/v1/routes",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          if (path.endsWith("/resolve")) {
            String query = exchange.getRequestURI().getRawQuery();
            resolveQueries.add(query);
            answer(exchange, 200, query.contains("hash_key=") ? PICKED : RESOLVED);
          } else if (path.endsWith("/watch")) {
            // Nothing changes: a blocking query held briefly, then answered empty.
            pause(Duration.ofMillis(200));
            answer(exchange, 200, "{\"index\":7,\"changes\":[]}");
          } else {
            awaitList();
            answer(exchange, 200, LISTED);
          }
        });
    server.start();
  }

  @AfterEach
  void stopStandIn() {
    listAllowed.countDown();
    server.stop(0);
    handlers.shutdownNow();
  }

  @Test
  void untilTheReplicaIsReadyResolvesAskTheApiThenTheReplicaAnswers() throws Exception {
    try (TrafficManagerClient client = client(standIn())) {
      assertThat(client.resolve("checkout", "prod", "v1"))
          .hasValue(
              new Resolution(
                  "https://api.example",
                  3,
                  Optional.of("v1"),
                  Optional.empty(),
                  Resolution.Source.API));
      assertThat(client.replicaStatus().ready()).isFalse();

      listAllowed.countDown();

      assertThat(client.awaitReady(Duration.ofSeconds(10))).isTrue();
      assertThat(client.resolve("checkout", "prod", "v1"))
          .hasValue(
              new Resolution(
                  "https://replica.example",
                  3,
                  Optional.of("v1"),
                  Optional.empty(),
                  Resolution.Source.REPLICA));
      assertThat(client.resolve("checkout", "prod", "v2")).isEmpty();
      assertThat(resolveQueries).hasSize(1);
      ReplicaStatus status = client.replicaStatus();
      assertThat(status.index()).isEqualTo(7);
      assertThat(status.routes()).isEqualTo(1);
    }
  }

  @Test
  void withoutAVersionTheApiPicksStickyByTheHashKeyAndSaysWhyUntilTheReplicaIsReady()
      throws Exception {
    try (TrafficManagerClient client = client(standIn())) {
      assertThat(client.resolve("checkout", "prod", HashKey.of("user 42")))
          .hasValue(
              new Resolution(
                  "https://v2.example",
                  5,
                  Optional.of("v2"),
                  Optional.of(new Picked("v2", Optional.of(HashKey.of("user 42")), 46, 10, 2)),
                  Resolution.Source.API));
      assertThat(client.resolve("checkout", "prod"))
          .hasValueSatisfying(r -> assertThat(r.picked()).isEmpty());

      assertThat(resolveQueries)
          .containsExactly(
              "tenant=acme&service=checkout&env=prod&hash_key=user+42",
              "tenant=acme&service=checkout&env=prod");

      listAllowed.countDown();

      // Ready, the replica answers: the stand-in lists no split, so nothing resolves.
      assertThat(client.awaitReady(Duration.ofSeconds(10))).isTrue();
      assertThat(client.resolve("checkout", "prod", HashKey.of("user 42"))).isEmpty();
      assertThat(resolveQueries).hasSize(2);
    }
  }

  @Test
  void anInstanceThatDoesNotAnswerIsLeftForTheNext() throws Exception {
    listAllowed.countDown();
    try (TrafficManagerClient client = client(unusedPort(), standIn())) {
      assertThat(client.resolve("checkout", "prod", "v1")).isPresent();
      assertThat(client.replicaStatus().instance().toString()).isEqualTo(standIn());
      assertThat(client.awaitReady(Duration.ofSeconds(10))).isTrue();
    }
  }

  @Test
  void closeStopsTheReplicasThread() throws Exception {
    listAllowed.countDown();
    TrafficManagerClient client = client(standIn());
    assertThat(client.awaitReady(Duration.ofSeconds(10))).isTrue();
    assertThat(replicaThreads()).isOne();

    client.close();

    assertThat(replicaThreads()).isZero();
  }

  private static long replicaThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("tm-client-replica-acme"))
        .count();
  }

  private String standIn() {
    return "http://localhost:" + server.getAddress().getPort();
  }

  private static TrafficManagerClient client(String... bases) {
    TrafficManagerClient.Builder builder =
        TrafficManagerClient.builder().token("tm_test").tenant("acme");
    for (String base : bases) {
      builder.baseUrl(base);
    }
    return builder.build();
  }

  /** A port nothing listens on: connections to it are refused. */
  private static String unusedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return "http://localhost:" + socket.getLocalPort();
    }
  }

  private void awaitList() {
    try {
      listAllowed.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
