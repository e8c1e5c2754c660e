package dev.trafficmanager.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trafficmanager.route.RouteKey;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * The writer's side of the API, as an upstream service uses it: creates and URL changes, each
 * answered with the route's revision, with a timeout so that a frozen API cannot hold a writer.
 */
final class WriteClient {
  /**
   * The headers of every request, in this one place: when the API requires a bearer token, it is
   * added here ({@code "Authorization", "Bearer " + token}).
   */

  /** How long a writer waits for an answer, as an upstream service with a timeout would. */
  static final Duration TIMEOUT = Duration.ofSeconds(5);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final String token;

  String token() {
    return token;
  }

  /** A client that sends {@code token} as its bearer token. */
  WriteClient(String token) {
    this.token = token;
  }

  /** What the API answered: its status and, for a write it acknowledged, the revision. */
  record Answer(int status, long revision, String body) {
    boolean acknowledged() {
      return status >= 200 && status < 300 && revision > 0;
    }
  }

  Answer create(String baseUrl, RouteKey route, String url)
      throws IOException, InterruptedException {
    String body =
        JSON.writeValueAsString(
            Map.of(
                "tenant", route.tenant(),
                "service", route.service(),
                "env", route.env(),
                "version", route.version(),
                "url", url));
    return send(
        request(baseUrl + "/api/v1/routes").POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  Answer changeUrl(String baseUrl, RouteKey route, String url)
      throws IOException, InterruptedException {
    String body = JSON.writeValueAsString(Map.of("url", url));
    return send(
        request(
                baseUrl
                    + "/api/v1/routes/"
                    + String.join(
                        "/", route.tenant(), route.service(), route.env(), route.version()))
            .PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  private HttpRequest.Builder request(String url) {
    return HttpRequest.newBuilder(URI.create(url))
        .timeout(TIMEOUT)
        .header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + token);
  }

  private Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    long revision = -1;
    if (response.statusCode() / 100 == 2) {
      JsonNode route = JSON.readTree(response.body());
      revision = route.path("revision").asLong(-1);
    }
    return new Answer(response.statusCode(), revision, response.body());
  }
}
