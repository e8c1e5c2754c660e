package dev.trafficmanager.http;

import dev.trafficmanager.event.EventJson;
import dev.trafficmanager.health.HealthReport;
import dev.trafficmanager.service.ServiceContext;
import io.javalin.Javalin;

/**
 * The operations face of a process without the API (the processor, a consumer): the same {@code
 * /health}, {@code /health/live}, {@code /health/ready}, {@code /health/resilience} and {@code
 * /metrics} the API serves, so every container is probed and scraped alike.
 */
public final class OpsServer implements AutoCloseable {
  private final Javalin app;

  public OpsServer(ServiceContext context, HealthReport health) {
    this.app =
        Javalin.create(
            config -> {
              config.showJavalinBanner = false;
              config.jetty.modifyServer(JsonErrorHandler::install);
              config.jetty.modifyServletContextHandler(
                  handler -> handler.setErrorHandler(JsonErrorHandler.forContext()));
            });
    JsonResponder json = new JsonResponder(EventJson.newMapper());
    Endpoints endpoints = new Endpoints(app, json);
    new HealthEndpoints(health, context.metrics(), json).register(endpoints);
    endpoints.answerOtherMethods();
  }

  /** Starts serving; port 0 picks a free one. */
  public void start(int port) {
    app.start(port);
  }

  /** Starts serving where the settings say: {@code TM_HTTP_HOST} and {@code TM_HTTP_PORT}. */
  public void start(HttpSettings settings) {
    app.start(settings.host().orElse(null), settings.port());
  }

  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
  }
}
