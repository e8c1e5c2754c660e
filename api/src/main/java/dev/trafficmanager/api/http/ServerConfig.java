package dev.trafficmanager.api.http;

import dev.trafficmanager.http.JsonErrorHandler;
import io.javalin.config.JavalinConfig;
import java.time.Duration;

/**
 * The Javalin and Jetty settings of the API's HTTP server, apart from its handlers and filters: one
 * place, so that a server built for comparison (the benchmark's hello-world anchor) runs on exactly
 * the server the API runs on.
 */
public final class ServerConfig {
  // A valid write body is under 3 KB; anything far larger is refused before it is buffered.
  static final long MAX_REQUEST_BYTES = 64 * 1024;

  // A body is read on a server thread before the bulkhead: a client that sends it slowly holds that
  // thread. Jetty fails a read once the body has arrived at less than this rate since its first
  // byte (a 3 KB write body takes milliseconds from any real client), or after this long without a
  // byte, instead of the connector's 30 s.
  static final long MIN_REQUEST_BYTES_PER_SECOND = 1024;
  static final Duration BODY_IDLE_TIMEOUT = Duration.ofSeconds(5);

  private ServerConfig() {}

  /** Applies the API's server settings to a Javalin configuration. */
  public static void apply(JavalinConfig config) {
    config.showJavalinBanner = false;
    config.startupWatcherEnabled = false;
    config.http.maxRequestSize = MAX_REQUEST_BYTES;
    config.jetty.modifyHttpConfiguration(
        http -> {
          http.setMinRequestDataRate(MIN_REQUEST_BYTES_PER_SECOND);
          http.setIdleTimeout(BODY_IDLE_TIMEOUT.toMillis());
          // No "Server: Jetty(11...)" header telling a scanner which advisories to try.
          http.setSendServerVersion(false);
        });
    config.jetty.modifyServer(JsonErrorHandler::install);
    config.jetty.modifyServletContextHandler(
        handler -> handler.setErrorHandler(JsonErrorHandler.forContext()));
  }
}
