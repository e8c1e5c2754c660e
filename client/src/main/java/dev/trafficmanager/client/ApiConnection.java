package dev.trafficmanager.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The client's requests to the API, each to one instance named by the caller: a page of the
 * tenant's routes, its splits, a blocking watch query, a resolve. Every request carries the bearer
 * token.
 *
 * <p>Answers become: the parsed body; {@link InstanceUnavailableException} when the instance did
 * not answer or answered 429/5xx (try another); {@link IndexGoneException} on 410; {@link
 * TrafficManagerException} for every other refusal, with the API's own message (401: the token is
 * not valid; 403: it lacks {@code routes:read} for the tenant).
 */
final class ApiConnection {
  static final int MAX_PAGE = 500;
  private static final String ROUTES = "/api/v1/routes";
  private static final String SPLITS = "/api/v1/splits";
  // A blocking query is answered within its wait; this much more covers a slow answer.
  private static final Duration WATCH_MARGIN = Duration.ofSeconds(10);
  private static final int MAX_BODY_SHOWN = 200;

  private final HttpClient http;
  private final String token;
  private final String tenant;
  private final Duration requestTimeout;
  private final ObjectMapper json;

  ApiConnection(
      HttpClient http, String token, String tenant, Duration requestTimeout, ObjectMapper json) {
    this.http = http;
    this.token = token;
    this.tenant = tenant;
    this.requestTimeout = requestTimeout;
    this.json = json;
  }

  ListedPage list(URI instance, Optional<String> cursor) throws InterruptedException {
    String query =
        ROUTES
            + "?tenant="
            + encode(tenant)
            + "&limit="
            + MAX_PAGE
            + cursor.map(c -> "&cursor=" + encode(c)).orElse("");
    JsonNode body = expect200(instance, send(instance, query, requestTimeout));
    List<RouteEntry> routes = new ArrayList<>();
    for (JsonNode item : body.path("items")) {
      routes.add(entry(item));
    }
    JsonNode next = body.path("next_cursor");
    return new ListedPage(
        routes,
        next.isTextual() ? Optional.of(next.asText()) : Optional.empty(),
        body.path("index").asLong());
  }

  ListedSplits listSplits(URI instance) throws InterruptedException {
    JsonNode body =
        expect200(instance, send(instance, SPLITS + "?tenant=" + encode(tenant), requestTimeout));
    List<SplitEntry> splits = new ArrayList<>();
    for (JsonNode item : body.path("items")) {
      splits.add(split(item));
    }
    return new ListedSplits(splits, body.path("index").asLong());
  }

  WatchedChanges watch(URI instance, long index, Duration wait) throws InterruptedException {
    String query =
        ROUTES
            + "/watch?tenant="
            + encode(tenant)
            + "&index="
            + index
            + "&wait="
            + wait.toMillis()
            + "ms";
    JsonNode body = expect200(instance, send(instance, query, wait.plus(WATCH_MARGIN)));
    List<ReplicaEntry> states = new ArrayList<>();
    JsonNode changes = body.path("changes");
    for (JsonNode change : changes) {
      JsonNode current = change.path("current");
      if (change.hasNonNull("split_key")) {
        states.add(split(current));
      } else if (change.hasNonNull("route_key")) {
        states.add(entry(current));
      }
      // A change of anything else the API may one day serve holds no state the replica keeps.
    }
    return new WatchedChanges(body.path("index").asLong(), states, changes.size());
  }

  /** The API's resolve; empty on 404 (unknown or inactive route, or no version to pick). */
  Optional<Resolution> resolve(URI instance, ResolveRequest request) throws InterruptedException {
    String query =
        ROUTES
            + "/resolve?tenant="
            + encode(tenant)
            + "&service="
            + encode(request.service())
            + "&env="
            + encode(request.env())
            + request.version().map(v -> "&version=" + encode(v)).orElse("")
            + request.hashKey().map(k -> "&hash_key=" + encode(k.value())).orElse("");
    HttpResponse<String> response = send(instance, query, requestTimeout);
    if (response.statusCode() == 404) {
      return Optional.empty();
    }
    JsonNode body = expect200(instance, response);
    JsonNode version = body.path("version");
    return Optional.of(
        new Resolution(
            body.path("url").asText(),
            body.path("revision").asLong(),
            version.isTextual() ? Optional.of(version.asText()) : request.version(),
            picked(body.path("picked")),
            Resolution.Source.API));
  }

  /** The API's {@code picked}, present when the split picked the version. */
  private static Optional<Picked> picked(JsonNode picked) {
    if (!picked.isObject()) {
      return Optional.empty();
    }
    JsonNode hashKey = picked.path("hash_key");
    return Optional.of(
        new Picked(
            picked.path("version").asText(),
            hashKey.isTextual() ? Optional.of(HashKey.of(hashKey.asText())) : Optional.empty(),
            picked.path("bucket").asInt(),
            picked.path("weight").asInt(),
            picked.path("split_revision").asLong()));
  }

  private HttpResponse<String> send(URI instance, String pathAndQuery, Duration timeout)
      throws InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(at(instance, pathAndQuery))
            .timeout(timeout)
            .header("Authorization", "Bearer " + token)
            .header("Accept", "application/json")
            .GET()
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new InstanceUnavailableException(instance, String.valueOf(e), e);
    }
  }

  private JsonNode expect200(URI instance, HttpResponse<String> response) {
    int status = response.statusCode();
    if (status == 200) {
      try {
        return json.readTree(response.body());
      } catch (JsonProcessingException e) {
        throw new InstanceUnavailableException(instance, "answered 200 with a body not JSON", e);
      }
    }
    if (status == 429 || status >= 500) {
      throw new InstanceUnavailableException(
          instance, "answered " + status + " " + abbreviate(response.body()), null);
    }
    if (status == 410) {
      throw new IndexGoneException();
    }
    throw new TrafficManagerException(status, refusal(instance, status, response.body()));
  }

  private String refusal(URI instance, int status, String body) {
    String said = abbreviate(body);
    try {
      JsonNode error = json.readTree(body);
      said = error.path("error").asText() + ": " + error.path("message").asText();
    } catch (JsonProcessingException notJson) {
      // The body as it came, abbreviated.
    }
    String hint =
        switch (status) {
          case 401 -> " (the client's token is missing, unknown, expired or revoked)";
          case 403 -> " (the client's token needs routes:read for tenant " + tenant + ")";
          default -> "";
        };
    return "the API at " + instance + " answered " + status + " " + said + hint;
  }

  private static URI at(URI instance, String pathAndQuery) {
    String base = instance.toString();
    return URI.create(
        (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + pathAndQuery);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static String abbreviate(String body) {
    String line = body.strip().replaceAll("\\s+", " ");
    return line.length() <= MAX_BODY_SHOWN ? line : line.substring(0, MAX_BODY_SHOWN) + "…";
  }

  /** A split as listed or as a change left it: no weights once deleted. */
  private static SplitEntry split(JsonNode split) {
    Map<String, Integer> weights = new HashMap<>();
    for (Map.Entry<String, JsonNode> weight : split.path("weights").properties()) {
      weights.put(weight.getKey(), weight.getValue().asInt());
    }
    return SplitEntry.of(
        new SplitName(split.path("service").asText(), split.path("env").asText()),
        weights,
        split.path("revision").asLong());
  }

  private static RouteEntry entry(JsonNode route) {
    return new RouteEntry(
        new RouteName(
            route.path("service").asText(),
            route.path("env").asText(),
            route.path("version").asText()),
        route.path("url").asText(),
        route.path("active").asBoolean(),
        route.path("revision").asLong());
  }
}
