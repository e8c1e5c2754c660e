package dev.trafficmanager.api.http;

import io.javalin.config.JavalinConfig;

/**
 * The Javalin and Jetty settings of the API's HTTP server, apart from its handlers and filters: one
 * place, so that a server built for comparison (the benchmark's hello-world anchor) runs on exactly
 * the server the API runs on.
 */
public final class ServerConfig {
  // A valid write body is under 3 KB; anything far larger is refused before it is buffered.
  private static final long MAX_REQUEST_BYTES = 64 * 1024;

  private ServerConfig() {}

  /** Applies the API's server settings to a Javalin configuration. */
  public static void apply(JavalinConfig config) {
    config.showJavalinBanner = false;
    config.startupWatcherEnabled = false;
    config.http.maxRequestSize = MAX_REQUEST_BYTES;
  }
}
