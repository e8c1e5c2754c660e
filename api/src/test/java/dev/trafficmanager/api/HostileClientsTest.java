package dev.trafficmanager.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trafficmanager.api.limits.LimitSettings;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import dev.trafficmanager.testkit.TestTokens;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a client that does not play by the rules can do to an API instance: nothing lasting. Bodies,
 * URLs and headers are bounded, and what is over a bound is refused in JSON, writing nothing.
 */
@ExtendWith(SharedServers.class)
class HostileClientsTest {
  private static final String ROUTES = "/api/v1/routes";
  private static final int TEN_MB = 10 * 1024 * 1024;

  private static ApiService api;
  private static ApiClient client;
  private static String token;
  private static Rows rows;

  @BeforeAll
  static void start(TestEnvironment env) {
    api = new ApiService(env.settings());
    api.start();
    token = TestTokens.admin(env.settings());
    client = new ApiClient(api.httpPort(), token);
    rows = new Rows(env.jdbi());
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void aChunkedBodyOverTheLimitIsCutOffWith413BeforeItIsRead() throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), api.httpPort())) {
      socket.setSendBufferSize(64 * 1024);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(
          ("POST "
                  + ROUTES
                  + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                  + authorization()
                  + "Transfer-Encoding: chunked\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = new byte[64 * 1024];
      Arrays.fill(chunk, (byte) ' ');
      byte[] chunkHeader =
          (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
      long sent = 0;
      try {
        while (sent < TEN_MB && in.available() == 0) {
          out.write(chunkHeader);
          out.write(chunk);
          out.write(new byte[] {'\r', '\n'});
          sent += chunk.length;
        }
      } catch (IOException closedByTheServer) {
        // The server answered and closed the connection while the body was still coming.
      }

      assertThat(statusLine(in)).startsWith("HTTP/1.1 413");
      assertThat(sent).as("bytes of body sent before the answer").isLessThan(TEN_MB);
    }
  }

  @Test
  void aBodyOverSixteenKibIs413AndWritesNothing() {
    String padding = " ".repeat((int) LimitSettings.DEFAULT_MAX_BODY_BYTES);
    String body =
        ApiClient.route("big", "checkout", "prod", "v1", "https://big.example/") + padding;

    ApiClient.Response response = client.post(ROUTES, body);

    assertThat(response.status()).as(response.toString()).isEqualTo(413);
    assertThat(response.json().path("error").asText()).isEqualTo("content_too_large");
    assertThat(response.json().path("message").asText()).contains("16384 bytes");
    assertThat(client.get(ROUTES + "/big/checkout/prod/v1").status()).isEqualTo(404);
    assertThat(rows.count("outbox")).isZero();
  }

  @Test
  void aBodyJustUnderTheLimitIsRead() {
    String body = ApiClient.route("fits", "checkout", "prod", "v1", "https://fits.example/");
    String padded = body + " ".repeat((int) LimitSettings.DEFAULT_MAX_BODY_BYTES - body.length());

    assertThat(client.post(ROUTES, padded).status()).isEqualTo(201);
  }

  @Test
  void anOverLongUrlIsRefusedByTheServerInJson() {
    ApiClient.Response response =
        client.get(ROUTES + "/resolve?tenant=" + "a".repeat(10_000) + "&service=s&env=e&version=v");

    assertThat(response.status()).as(response.toString()).isIn(414, 431);
    assertThat(response.header("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).contains("json"));
    assertThat(response.json().path("error").asText()).isNotEmpty();
  }

  @Test
  void overLongHeadersAreRefusedByTheServerInJson() {
    ApiClient.Response response = client.get("/health", "X-Padding", "p".repeat(10_000));

    assertThat(response.status()).as(response.toString()).isEqualTo(431);
    assertThat(response.json().path("error").asText()).isEqualTo("request_header_fields_too_large");
  }

  @Test
  void theBodyLimitIsASetting(TestEnvironment env) {
    try (ApiService small = new ApiService(env.with(Map.of(LimitSettings.MAX_BODY, "4KiB")))) {
      small.start();
      ApiClient smallClient = new ApiClient(small.httpPort(), TestTokens.admin(env.settings()));
      String body =
          ApiClient.route("small", "checkout", "prod", "v1", "https://small.example/")
              + " ".repeat(5000);

      assertThat(smallClient.post(ROUTES, body).status()).isEqualTo(413);
    }
  }

  @Test
  void aWriteThatIsNotDeclaredJsonIs415AndWritesNothing() {
    String body = ApiClient.route("csrf", "checkout", "prod", "v1", "https://evil.example");

    ApiClient.Response response = client.send("POST", ROUTES, body, "Content-Type", "text/plain");

    assertThat(response.status()).as(response.toString()).isEqualTo(415);
    assertThat(response.json().path("error").asText()).isEqualTo("unsupported_media_type");
    assertThat(client.get(ROUTES + "/csrf/checkout/prod/v1").status()).isEqualTo(404);
  }

  @Test
  void madeUpMethodsAddAtMostOneTimeSeries() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    requestSeries(); // the scrape's own series, from here on counted in both
    long before = requestSeries();
    for (int i = 0; i < 1000; i++) {
      http.send(
          HttpRequest.newBuilder(URI.create("http://localhost:" + api.httpPort() + "/health"))
              .method("MADEUP" + i, HttpRequest.BodyPublishers.noBody())
              .build(),
          HttpResponse.BodyHandlers.discarding());
    }

    assertThat(requestSeries() - before).isLessThanOrEqualTo(1);
    assertThat(client.get("/metrics").body()).doesNotContain("MADEUP");
  }

  @Test
  void trickledBodiesDoNotStarveTheLivenessProbe() throws Exception {
    // More tricklers than the server has threads: each holds one while it reads the body.
    List<Socket> tricklers = new ArrayList<>();
    ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
    try {
      for (int i = 0; i < 260; i++) {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), api.httpPort());
        socket
            .getOutputStream()
            .write(
                ("POST "
                        + ROUTES
                        + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + authorization()
                        + "Content-Length: 1000\r\n\r\n{")
                    .getBytes(StandardCharsets.US_ASCII));
        tricklers.add(socket);
      }
      trickle.scheduleWithFixedDelay(
          () -> tricklers.forEach(HostileClientsTest::sendOneByte),
          100,
          100,
          TimeUnit.MILLISECONDS);
      HttpClient http = HttpClient.newHttpClient();

      await("/health/live answers while clients trickle")
          .atMost(Duration.ofSeconds(20))
          .ignoreExceptions()
          .untilAsserted(
              () ->
                  assertThat(
                          http.send(
                                  HttpRequest.newBuilder(
                                          URI.create(
                                              "http://localhost:"
                                                  + api.httpPort()
                                                  + "/health/live"))
                                      .timeout(Duration.ofSeconds(2))
                                      .build(),
                                  HttpResponse.BodyHandlers.discarding())
                              .statusCode())
                      .isEqualTo(200));
    } finally {
      trickle.shutdownNow();
      for (Socket socket : tricklers) {
        socket.close();
      }
    }
  }

  @Test
  void whatNeverReachesTheApiIsStillAnsweredInJson() throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), api.httpPort())) {
      socket
          .getOutputStream()
          .write(
              "GET /health HTTP/1.1\r\nHost: localhost\r\nNot a header\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      BufferedReader reader =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      String response = reader.lines().reduce("", (a, b) -> a + b + "\n");

      assertThat(response).startsWith("HTTP/1.1 400").contains("application/json");
      assertThat(response).contains("\"error\":\"bad_request\"").doesNotContain("<html");
    }
  }

  /** The header line that gets a raw request past authentication, to the body limits. */
  private static String authorization() {
    return "Authorization: Bearer " + token + "\r\n";
  }

  private static void sendOneByte(Socket socket) {
    try {
      socket.getOutputStream().write(' ');
    } catch (IOException cutOff) {
      // The server gave up on this client, which is the point.
    }
  }

  private static long requestSeries() {
    return client
        .get("/metrics")
        .body()
        .lines()
        .filter(line -> line.startsWith("http_server_requests_seconds_count{"))
        .count();
  }

  private static String statusLine(InputStream in) throws IOException {
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII)).readLine();
  }
}
