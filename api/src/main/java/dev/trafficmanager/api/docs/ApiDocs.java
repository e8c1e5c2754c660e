package dev.trafficmanager.api.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.trafficmanager.http.Endpoints;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/**
 * The API's contract and its reference: {@code /openapi.json} (the OpenAPI 3.1 document, written as
 * YAML beside this class and served as JSON), and {@code /docs}, Swagger UI from its webjar in the
 * jar, so the reference works where no CDN can be reached.
 */
public final class ApiDocs {
  /** The document, as it sits on the classpath. */
  public static final String DOCUMENT = "/dev/trafficmanager/api/docs/openapi.yaml";

  private static final String WEBJAR = "/META-INF/resources/webjars/swagger-ui/";
  private static final String WEBJAR_POM = "/META-INF/maven/org.webjars/swagger-ui/pom.properties";
  // Only what the page loads: the webjar's other files (its own index, the OAuth redirect) are not
  // ours to serve.
  private static final Map<String, String> ASSETS =
      Map.of(
          "swagger-ui.css", "text/css",
          "swagger-ui-bundle.js", "application/javascript",
          "reference.js", "application/javascript");

  private final byte[] document;
  private final byte[] page;
  private final String assetRoot;

  public ApiDocs(ObjectMapper mapper) {
    this.document = json(mapper, read(DOCUMENT));
    this.page = read("/dev/trafficmanager/api/docs/reference.html");
    this.assetRoot = WEBJAR + webjarVersion() + "/";
  }

  public void register(Endpoints endpoints) {
    endpoints.get(
        "/openapi.json", ctx -> ctx.contentType(ContentType.APPLICATION_JSON).result(document));
    endpoints.get("/docs", ctx -> ctx.contentType("text/html; charset=utf-8").result(page));
    endpoints.get("/docs/{asset}", this::asset);
  }

  private void asset(Context ctx) {
    String name = ctx.pathParam("asset");
    String type = ASSETS.get(name);
    if (type == null) {
      throw new NotFoundResponse("no such file: " + name);
    }
    String path =
        name.equals("reference.js")
            ? "/dev/trafficmanager/api/docs/reference.js"
            : assetRoot + name;
    ctx.contentType(type).header("Cache-Control", "max-age=3600").result(read(path));
  }

  private static byte[] json(ObjectMapper mapper, byte[] yaml) {
    try {
      JsonNode tree = new YAMLMapper().readTree(yaml);
      return mapper.writeValueAsBytes(tree);
    } catch (IOException e) {
      throw new UncheckedIOException("the OpenAPI document does not parse", e);
    }
  }

  private static String webjarVersion() {
    Properties pom = new Properties();
    try (InputStream in = ApiDocs.class.getResourceAsStream(WEBJAR_POM)) {
      if (in == null) {
        throw new IllegalStateException("the swagger-ui webjar is not on the classpath");
      }
      pom.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return pom.getProperty("version");
  }

  private static byte[] read(String resource) {
    try (InputStream in = ApiDocs.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is not on the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
