package dev.trafficmanager.api.http;

import dev.trafficmanager.api.limits.LimitSettings;
import dev.trafficmanager.http.JsonErrorHandler;
import io.javalin.config.JavalinConfig;
import java.time.Duration;

/**
 * The Javalin and Jetty settings of the API's HTTP server, apart from its handlers and filters: one
 * place, so that a server built for comparison (the benchmark's hello-world anchor) runs on exactly
 * the server the API runs on.
 */
public final class ServerConfig {
  // Jetty's own bound on a request line plus headers: a longer URL is a 414, longer headers a
  // 431, answered by Jetty (in JSON, JsonErrorHandler) before any handler runs. A request needs a
  // fraction of it; an API caller's bearer token and correlation id fit many times over.
  static final int MAX_REQUEST_HEADER_BYTES = 8 * 1024;

  // A body is read on a server thread before the bulkhead: a client that sends it slowly holds that
  // thread. Jetty fails a read once the body has arrived at less than this rate since its first
  // byte (a 3 KB write body takes milliseconds from any real client), or after this long without a
  // byte, instead of the connector's 30 s.
  static final long MIN_REQUEST_BYTES_PER_SECOND = 1024;
  static final Duration BODY_IDLE_TIMEOUT = Duration.ofSeconds(5);

  // Javalin copies each answer into Jetty's output through a buffer it allocates per response, as
  // large as Jetty's output buffer (32 KB) unless set. The API's answers are mostly a few hundred
  // bytes. Measured with JFR's per-thread allocation counts, whole pipeline in one JVM: 191 -> 164
  // KB allocated per write, ~47 -> 17 KB per resolve, and young collections come that much less
  // often. A longer answer is copied in more steps into the same Jetty buffer.
  static final int RESPONSE_COPY_BUFFER_BYTES = 2 * 1024;

  private ServerConfig() {}

  /** Applies the API's server settings, with the default body limit, to a Javalin configuration. */
  public static void apply(JavalinConfig config) {
    apply(config, LimitSettings.DEFAULT_MAX_BODY_BYTES);
  }

  /** Applies the API's server settings to a Javalin configuration. */
  public static void apply(JavalinConfig config, long maxBodyBytes) {
    config.showJavalinBanner = false;
    config.startupWatcherEnabled = false;
    config.http.maxRequestSize = maxBodyBytes;
    config.http.responseBufferSize = RESPONSE_COPY_BUFFER_BYTES;
    config.jetty.modifyHttpConfiguration(
        http -> {
          http.setRequestHeaderSize(MAX_REQUEST_HEADER_BYTES);
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
