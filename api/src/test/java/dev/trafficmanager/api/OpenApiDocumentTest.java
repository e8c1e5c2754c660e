package dev.trafficmanager.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.trafficmanager.api.docs.ApiDocs;
import dev.trafficmanager.testkit.OpenApiContract;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The OpenAPI document and the server describe the same API. (Every exchange of the tests that use
 * {@link ApiClient} is also held against the document, request and answer.)
 */
@ExtendWith(SharedServers.class)
class OpenApiDocumentTest {
  private static RunningApi running;
  private static ApiClient client;

  @BeforeAll
  static void start(TestEnvironment env) {
    running = RunningApi.start(env.settings());
    client = running.client();
  }

  @AfterAll
  static void stop() {
    running.close();
  }

  @Test
  void everyEndpointTheServerServesIsDocumentedAndNothingElseIs() {
    OpenApiContract contract = OpenApiContract.fromClasspath(ApiDocs.DOCUMENT);

    assertThat(running.api().httpOperations())
        .containsExactlyInAnyOrderElementsOf(contract.operations());
  }

  @Test
  void theDocumentIsServedAsJson() throws IOException {
    ApiClient.Response response = client.get("/openapi.json");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    try (InputStream yaml = ApiDocs.class.getResourceAsStream(ApiDocs.DOCUMENT)) {
      assertThat(new ObjectMapper().readTree(response.body()))
          .isEqualTo(new YAMLMapper().readTree(yaml));
    }
    assertThat(response.json().path("openapi").asText()).startsWith("3.1");
  }

  @Test
  void theReferencePageAndItsScriptsComeFromTheJar() {
    ApiClient.Response page = client.get("/docs");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("/docs/swagger-ui-bundle.js", "/docs/reference.js");

    for (String asset : new String[] {"swagger-ui-bundle.js", "swagger-ui.css", "reference.js"}) {
      ApiClient.Response file = client.get("/docs/" + asset);
      assertThat(file.status()).as(asset).isEqualTo(200);
      assertThat(file.body()).as(asset).isNotBlank();
    }
    assertThat(client.get("/docs/reference.js").body()).contains("/openapi.json");
  }

  @Test
  void onlyThePagesOwnFilesAreServed() {
    assertThat(client.get("/docs/index.html").status()).isEqualTo(404);
    assertThat(client.get("/docs/oauth2-redirect.html").status()).isEqualTo(404);
    assertThat(client.get("/docs/swagger-initializer.js").status()).isEqualTo(404);
  }
}
