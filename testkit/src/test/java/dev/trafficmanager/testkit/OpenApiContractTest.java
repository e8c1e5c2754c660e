package dev.trafficmanager.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpenApiContractTest {
  private static final String THING = "{\"name\":\"box\",\"made_at\":\"2026-12-05T10:00:00Z\"}";
  private static final Map<String, List<String>> JSON =
      Map.of("content-type", List.of("application/json"));
  private static final Map<String, List<String>> JSON_COUNTED =
      Map.of("content-type", List.of("application/json"), "x-count", List.of("1"));

  private final OpenApiContract contract =
      OpenApiContract.fromClasspath("/dev/trafficmanager/testkit/contract.yaml");

  @Test
  void anExchangeThatKeepsToTheDocumentPasses() {
    assertThat(
            contract.problems(
                get("/things?owner=ann&limit=3", 200, JSON_COUNTED, "[" + THING + "]")))
        .isEmpty();
    assertThat(contract.problems(get("/things/box", 200, JSON, THING))).isEmpty();
    assertThat(contract.problems(post("/things", THING, 201, JSON, THING))).isEmpty();
    assertThat(contract.operations())
        .containsExactly("GET /things", "GET /things/{name}", "POST /things");
  }

  @Test
  void anAnswerOutsideItsSchemaIsCaught() {
    String missingField = "{\"name\":\"box\"}";
    String badTime = "{\"name\":\"box\",\"made_at\":\"yesterday\"}";
    String extraField =
        "{\"name\":\"box\",\"made_at\":\"2026-12-05T10:00:00Z\",\"colour\":\"red\"}";

    assertThat(contract.problems(get("/things/box", 200, JSON, missingField)))
        .anySatisfy(p -> assertThat(p).contains("made_at"));
    assertThat(contract.problems(get("/things/box", 200, JSON, badTime)))
        .anySatisfy(p -> assertThat(p).contains("made_at"));
    assertThat(contract.problems(get("/things/box", 200, JSON, extraField)))
        .anySatisfy(p -> assertThat(p).contains("colour"));
    assertThat(contract.problems(get("/things/box", 200, JSON, "not json")))
        .containsExactly("response body is not JSON");
  }

  @Test
  void anUndocumentedStatusHeaderOrContentTypeIsCaught() {
    assertThat(contract.problems(get("/things/box", 500, JSON, "{}")))
        .containsExactly("status 500 is not documented for this operation");
    assertThat(contract.problems(get("/things?owner=ann", 200, JSON, "[]")))
        .containsExactly("response header X-Count is missing");
    assertThat(
            contract.problems(
                get("/things/box", 200, Map.of("content-type", List.of("text/plain")), THING)))
        .containsExactly("response content type 'text/plain' is not documented for 200");
  }

  @Test
  void aRequestTheDocumentRefusesMustBeRefused() {
    String error = "{\"error\":\"invalid_input\"}";

    assertThat(contract.problems(get("/things?owner=ann&limit=11", 400, JSON, error))).isEmpty();
    assertThat(contract.problems(get("/things?owner=ann&limit=11", 200, JSON_COUNTED, "[]")))
        .singleElement()
        .satisfies(p -> assertThat(p).contains("limit", "answered 200"));
    assertThat(contract.problems(get("/things", 200, JSON_COUNTED, "[]")))
        .singleElement()
        .satisfies(p -> assertThat(p).contains("owner is required"));
    assertThat(contract.problems(get("/things/BOX", 200, JSON, THING)))
        .singleElement()
        .satisfies(p -> assertThat(p).contains("path parameter name"));
    assertThat(contract.problems(post("/things", "{\"name\":\"box\"}", 201, JSON, THING)))
        .singleElement()
        .satisfies(p -> assertThat(p).contains("request body", "made_at"));
  }

  @Test
  void methodsAndPathsTheDocumentDoesNotKnow() {
    Map<String, List<String>> allow =
        Map.of(
            "allow",
            List.of("GET, POST, HEAD, OPTIONS"),
            "content-type",
            List.of("application/json"));
    Map<String, List<String>> allowTooLittle = Map.of("allow", List.of("GET, HEAD, OPTIONS"));

    assertThat(contract.problems(exchange("DELETE", "/things", null, 405, allow, "{}"))).isEmpty();
    assertThat(contract.problems(exchange("DELETE", "/things", null, 405, allowTooLittle, "{}")))
        .singleElement()
        .satisfies(p -> assertThat(p).contains("lacks"));
    assertThat(contract.problems(exchange("DELETE", "/things", null, 200, JSON, "{}")))
        .singleElement()
        .satisfies(p -> assertThat(p).contains("rather than 405"));
    assertThat(contract.problems(get("/elsewhere", 404, JSON, "{}"))).isEmpty();
    assertThat(contract.problems(get("/elsewhere", 200, JSON, "{}")))
        .containsExactly("the path is not in the document, yet it was answered 200");
  }

  @Test
  void checkFailsWithEveryProblemNamed() {
    assertThatThrownBy(() -> contract.check(get("/things/box", 500, JSON, "{}")))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("GET http://localhost/things/box -> 500")
        .hasMessageContaining("status 500 is not documented");
  }

  private static OpenApiContract.Exchange get(
      String target, int status, Map<String, List<String>> headers, String body) {
    return exchange("GET", target, null, status, headers, body);
  }

  private static OpenApiContract.Exchange post(
      String target, String request, int status, Map<String, List<String>> headers, String body) {
    return exchange("POST", target, request, status, headers, body);
  }

  private static OpenApiContract.Exchange exchange(
      String method,
      String target,
      String request,
      int status,
      Map<String, List<String>> headers,
      String body) {
    return new OpenApiContract.Exchange(
        method, URI.create("http://localhost" + target), JSON, request, status, headers, body);
  }
}
