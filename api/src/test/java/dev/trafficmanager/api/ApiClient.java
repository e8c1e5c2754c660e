package dev.trafficmanager.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trafficmanager.api.docs.ApiDocs;
import dev.trafficmanager.testkit.OpenApiContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * Calls a running {@link ApiService} over HTTP, as its clients do, and holds every exchange against
 * the OpenAPI document: a test whose traffic departs from the document fails. It sends its bearer
 * token ({@code Authorization}) on every request, unless it has none ({@link #withoutToken()}) or
 * the request names its own {@code Authorization}.
 */
final class ApiClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final OpenApiContract CONTRACT = OpenApiContract.fromClasspath(ApiDocs.DOCUMENT);

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final String base;
  private final Optional<String> token;

  /** A client that sends {@code token} (usually an admin token, {@code TestTokens.admin}). */
  ApiClient(int port, String token) {
    this("http://localhost:" + port, Optional.of(token));
  }

  private ApiClient(String base, Optional<String> token) {
    this.base = base;
    this.token = token;
  }

  /** The same server, with another token. */
  ApiClient withToken(String other) {
    return new ApiClient(base, Optional.of(other));
  }

  /** The same server, without a token. */
  ApiClient withoutToken() {
    return new ApiClient(base, Optional.empty());
  }

  Response delete(String path, String... headers) {
    return send("DELETE", path, null, headers);
  }

  Response get(String path, String... headers) {
    return send("GET", path, null, headers);
  }

  Response post(String path, String body, String... headers) {
    return send("POST", path, body, headers);
  }

  Response put(String path, String body, String... headers) {
    return send("PUT", path, body, headers);
  }

  /**
   * {@code headers} alternate names and values; a body is sent as {@code application/json} unless
   * they name a {@code Content-Type}.
   */
  Response send(String method, String path, String body, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null && !Arrays.asList(headers).contains("Content-Type")) {
      request.header("Content-Type", "application/json");
    }
    if (token.isPresent() && !Arrays.asList(headers).contains("Authorization")) {
      request.header("Authorization", "Bearer " + token.get());
    }
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    try {
      HttpRequest sent = request.build();
      HttpResponse<String> response = http.send(sent, HttpResponse.BodyHandlers.ofString());
      CONTRACT.check(
          new OpenApiContract.Exchange(
              method,
              sent.uri(),
              sent.headers().map(),
              body,
              response.statusCode(),
              response.headers().map(),
              response.body()));
      return new Response(response);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static String route(String tenant, String service, String env, String version, String url) {
    return json(
        JSON.createObjectNode()
            .put("tenant", tenant)
            .put("service", service)
            .put("env", env)
            .put("version", version)
            .put("url", url));
  }

  static String key(String tenant, String service, String env, String version) {
    return json(
        JSON.createObjectNode()
            .put("tenant", tenant)
            .put("service", service)
            .put("env", env)
            .put("version", version));
  }

  static String url(String url) {
    return json(JSON.createObjectNode().put("url", url));
  }

  private static String json(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  record Response(HttpResponse<String> raw) {
    int status() {
      return raw.statusCode();
    }

    String body() {
      return raw.body();
    }

    Optional<String> header(String name) {
      return raw.headers().firstValue(name);
    }

    JsonNode json() {
      try {
        return JSON.readTree(raw.body());
      } catch (JsonProcessingException e) {
        throw new AssertionError("not JSON: " + raw.body(), e);
      }
    }

    @Override
    public String toString() {
      return raw.request().method()
          + " "
          + raw.uri()
          + " -> "
          + raw.statusCode()
          + " "
          + raw.body();
    }
  }
}
