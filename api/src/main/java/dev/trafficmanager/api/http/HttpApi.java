package dev.trafficmanager.api.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trafficmanager.api.resolve.Resolver;
import dev.trafficmanager.api.routes.RouteReader;
import dev.trafficmanager.api.routes.RouteWriter;
import io.javalin.Javalin;
import io.javalin.http.ContentType;

/**
 * The HTTP face of the API: the route endpoints, {@code /health}, correlation ids and the JSON
 * error mapping, on one Javalin server.
 */
public final class HttpApi {
  // A valid write body is under 3 KB; anything far larger is refused before it is buffered.
  private static final long MAX_REQUEST_BYTES = 64 * 1024;

  private final Javalin app;

  public HttpApi(RouteWriter writer, RouteReader reader, Resolver resolver, ObjectMapper mapper) {
    this.app =
        Javalin.create(
            config -> {
              config.showJavalinBanner = false;
              config.startupWatcherEnabled = false;
              config.http.maxRequestSize = MAX_REQUEST_BYTES;
            });
    app.before(CorrelationIds::assign);
    app.after(CorrelationIds::release);
    new ErrorResponses(mapper.writer()).register(app);
    app.get(
        "/health",
        ctx -> ctx.contentType(ContentType.APPLICATION_JSON).result("{\"status\":\"up\"}"));
    new RouteEndpoints(writer, reader, resolver, mapper).register(app);
  }

  /** Starts listening on {@code port} (0 = any free port). */
  public void start(int port) {
    app.start(port);
  }

  /** The port listened on, once started. */
  public int port() {
    return app.port();
  }

  /** Stops accepting requests and lets running ones finish. */
  public void stop() {
    app.stop();
  }
}
