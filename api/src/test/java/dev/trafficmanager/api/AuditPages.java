package dev.trafficmanager.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** What the audit tests ask of the audit API's answers. */
final class AuditPages {
  private AuditPages() {}

  /** The page at {@code path}, which must be answered 200. */
  static JsonNode ok(ApiClient client, String path) {
    ApiClient.Response response = client.get(path);
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    return response.json();
  }

  /** The revision of each item of the page, in order. */
  static List<Long> revisions(JsonNode page) {
    List<Long> revisions = new ArrayList<>();
    page.path("items").forEach(i -> revisions.add(i.path("revision").asLong()));
    return revisions;
  }

  /** A 400 whose violations name {@code parameter}, and only it. */
  static void assertRefusedNaming(ApiClient.Response response, String parameter) {
    assertThat(response.status()).as(response.toString()).isEqualTo(400);
    assertThat(response.json().path("error").asText()).isEqualTo("invalid_request");
    List<String> fields = new ArrayList<>();
    response.json().path("violations").forEach(v -> fields.add(v.path("field").asText()));
    assertThat(fields).as(response.toString()).containsExactly(parameter);
  }
}
