package dev.trafficmanager.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * The writes a test makes through one API instance, as a deploy pipeline would, each expected to
 * succeed; the answer is the route's (or split's) state the write left.
 */
final class RouteWrites {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ROUTES = "/api/v1/routes";
  private static final String SPLITS = "/api/v1/splits";

  private final HttpClient http = HttpClient.newHttpClient();
  private final String base;
  private final String token;
  private final String tenant;

  RouteWrites(String base, String token, String tenant) {
    this.base = base;
    this.token = token;
    this.tenant = tenant;
  }

  /** The same writes through another instance. */
  RouteWrites through(String otherBase) {
    return new RouteWrites(otherBase, token, tenant);
  }

  /** A route's state after a write. */
  record Written(String url, boolean active, long revision) {}

  Written create(String service, String env, String version, String url) {
    ObjectNode body = key(service, env, version).put("url", url);
    return written(send("POST", ROUTES, body, 201));
  }

  Written changeUrl(String service, String env, String version, String url) {
    String path = ROUTES + "/" + tenant + "/" + service + "/" + env + "/" + version;
    return written(send("PUT", path, JSON.createObjectNode().put("url", url), 200));
  }

  Written activate(String service, String env, String version) {
    return written(send("POST", ROUTES + "/activate", key(service, env, version), 200));
  }

  Written deactivate(String service, String env, String version) {
    return written(send("POST", ROUTES + "/deactivate", key(service, env, version), 200));
  }

  /**
   * Sets a service's split in an env (a new one or new weights).
   *
   * @return the split's revision after the write
   */
  long putSplit(String service, String env, Map<String, Integer> weights, int expectedStatus) {
    ObjectNode body = JSON.createObjectNode();
    weights.forEach(body.putObject("weights")::put);
    return send("PUT", split(service, env), body, expectedStatus).path("revision").asLong();
  }

  /**
   * Removes a service's split in an env.
   *
   * @return the split's revision after the write
   */
  long deleteSplit(String service, String env) {
    return send("DELETE", split(service, env), JSON.createObjectNode(), 200)
        .path("revision")
        .asLong();
  }

  private String split(String service, String env) {
    return SPLITS + "/" + tenant + "/" + service + "/" + env;
  }

  private static Written written(JsonNode route) {
    return new Written(
        route.path("url").asText(),
        route.path("active").asBoolean(),
        route.path("revision").asLong());
  }

  private ObjectNode key(String service, String env, String version) {
    return JSON.createObjectNode()
        .put("tenant", tenant)
        .put("service", service)
        .put("env", env)
        .put("version", version);
  }

  private JsonNode send(String method, String path, ObjectNode body, int expectedStatus) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(15))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body.toString()))
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode())
          .as("%s %s: %s", method, path, response.body())
          .isEqualTo(expectedStatus);
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
