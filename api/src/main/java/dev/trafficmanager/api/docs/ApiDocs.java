package dev.trafficmanager.api.docs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.trafficmanager.http.Endpoints;
import dev.trafficmanager.http.StaticFiles;
import io.javalin.http.ContentType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The API's contract and its reference: {@code /openapi.json} (the OpenAPI 3.1 document, written as
 * YAML beside this class and served as JSON), and {@code /docs}, Swagger UI from its webjar in the
 * jar, so the reference works where no CDN can be reached.
 */
public final class ApiDocs {
  /** The document, as it sits on the classpath. */
  public static final String DOCUMENT = "/dev/trafficmanager/api/docs/openapi.yaml";

  private static final String HERE = "/dev/trafficmanager/api/docs/";
  private static final String WEBJAR_POM = "/META-INF/maven/org.webjars/swagger-ui/pom.properties";
  private static final String JS = "application/javascript";

  private final byte[] document;
  private final byte[] page;
  // Only what the page loads: the webjar's other files (its own index, the OAuth redirect) are not
  // ours to serve.
  private final StaticFiles files;

  public ApiDocs(ObjectMapper mapper) {
    this.document = json(mapper, StaticFiles.read(DOCUMENT));
    this.page = StaticFiles.read(HERE + "reference.html");
    String webjar = "/META-INF/resources/webjars/swagger-ui/" + webjarVersion() + "/";
    this.files =
        new StaticFiles()
            .add("swagger-ui.css", webjar + "swagger-ui.css", "text/css")
            .add("swagger-ui-bundle.js", webjar + "swagger-ui-bundle.js", JS)
            .add("reference.js", HERE + "reference.js", JS);
  }

  public void register(Endpoints endpoints) {
    endpoints.get(
        "/openapi.json", ctx -> ctx.contentType(ContentType.APPLICATION_JSON).result(document));
    endpoints.get("/docs", ctx -> ctx.contentType(ContentType.TEXT_HTML).result(page));
    endpoints.get("/docs/{asset}", ctx -> files.serve(ctx, ctx.pathParam("asset")));
  }

  private static byte[] json(ObjectMapper mapper, byte[] yaml) {
    try {
      return mapper.writeValueAsBytes(new YAMLMapper().readTree(yaml));
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
}
