package dev.trafficmanager.app.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trafficmanager.route.RouteKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The requests a run sends to the API, and one HTTP/1.1 client (keep-alive: connections are pooled
 * and reused) to send them from any thread.
 */
final class RouteApi {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  // Far above any healthy answer: a request that takes this long is reported as an error.
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final String ROUTES = "/api/v1/routes";

  private final URI base;
  private final HttpClient client;
  private final Optional<String> token;
  private final ObjectMapper json = new ObjectMapper();

  RouteApi(URI base, HttpClient client, Optional<String> token) {
    this.base = base;
    this.client = client;
    this.token = token;
  }

  /**
   * A client of the API at {@code base} that sends {@code token} as its bearer token on every
   * request; its threads are daemons, as the JDK makes them.
   */
  static RouteApi connect(URI base, Optional<String> token) {
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .build();
    return new RouteApi(base, client, token);
  }

  URI base() {
    return base;
  }

  HttpRequest create(RouteKey route, String url) {
    Map<String, String> body = keyFields(route);
    body.put("url", url);
    return post(ROUTES, body);
  }

  HttpRequest changeUrl(RouteKey route, String url) {
    return request(ROUTES + "/" + route)
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(toJson(Map.of("url", url))))
        .build();
  }

  HttpRequest deactivate(RouteKey route) {
    return post(ROUTES + "/deactivate", keyFields(route));
  }

  HttpRequest resolve(RouteKey route) {
    return request(
            ROUTES
                + "/resolve?tenant="
                + query(route.tenant())
                + "&service="
                + query(route.service())
                + "&env="
                + query(route.env())
                + "&version="
                + query(route.version()))
        .GET()
        .build();
  }

  HttpRequest read(RouteKey route) {
    return request(ROUTES + "/" + route).GET().build();
  }

  HttpRequest metrics() {
    return request("/metrics").GET().build();
  }

  /**
   * A blocking query for the tenant's changes after {@code index}, held by the API up to {@code
   * wait}; the client waits a minute longer before it calls the answer lost.
   */
  HttpRequest watch(String tenant, long index, Duration wait) {
    return request(
            ROUTES
                + "/watch?tenant="
                + query(tenant)
                + "&index="
                + index
                + "&wait="
                + wait.toSeconds()
                + "s")
        .timeout(wait.plusMinutes(1))
        .GET()
        .build();
  }

  /** Sends a request and answers its status; the body is read and dropped. */
  int send(HttpRequest request) throws IOException, InterruptedException {
    return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /**
   * Sends a request without waiting for its answer: the future completes with the answer, body
   * included, or with the failure.
   */
  CompletableFuture<HttpResponse<String>> sendAsync(HttpRequest request) {
    return client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
  }

  /**
   * An answer's body, and when its status line and headers reached this process ({@link
   * System#nanoTime}): the earliest moment the client knows the outcome, before the body is read
   * and before any callback of the future runs.
   */
  record TimedBody(long headersNanos, String body) {}

  /**
   * Like {@link #sendAsync}, and the answer's body tells when its headers arrived: the time is
   * taken in the body handler, which the client calls as soon as it has parsed the status line and
   * headers.
   */
  CompletableFuture<HttpResponse<TimedBody>> sendAsyncTimed(HttpRequest request) {
    return client.sendAsync(
        request,
        info -> {
          long headersNanos = System.nanoTime();
          return HttpResponse.BodySubscribers.mapping(
              HttpResponse.BodyHandlers.ofString().apply(info),
              body -> new TimedBody(headersNanos, body));
        });
  }

  /** GETs a path of the API, such as {@code /metrics}, with its body. */
  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return exchange(request(path).GET().build());
  }

  /** Sends a request and answers with its body. */
  HttpResponse<String> exchange(HttpRequest request) throws IOException, InterruptedException {
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static Map<String, String> keyFields(RouteKey route) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("tenant", route.tenant());
    fields.put("service", route.service());
    fields.put("env", route.env());
    fields.put("version", route.version());
    return fields;
  }

  private HttpRequest post(String path, Map<String, String> body) {
    return request(path)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(toJson(body)))
        .build();
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(REQUEST_TIMEOUT);
    token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
    return request;
  }

  private String toJson(Map<String, String> body) {
    try {
      return json.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("a map of strings is always JSON", e);
    }
  }

  private static String query(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
