package dev.trafficmanager.api.http;

import dev.trafficmanager.health.Draining;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * A servlet filter around all of Javalin, so it sees each request from its first byte to its last:
 * it counts the request in flight ({@link Draining#enter()}, which a stopping server waits on) and
 * times it.
 *
 * <p>The request counts until its response is completely written, which is what a stopping server
 * waits for.
 *
 * <p>Meter: {@code http_server_requests_seconds{method,uri,status}}, a histogram, where {@code uri}
 * is the route template ({@code /api/v1/routes/{tenant}/{service}/{env}/{version}}), never the path
 * itself, so the number of series stays bounded: {@code NOT_FOUND} for a path no route matches,
 * {@code UNKNOWN} for a request refused before routing. {@code method} is one of the methods of RFC
 * 9110 or {@code OTHER}: Jetty accepts any token as a method, and each made-up one would otherwise
 * register a timer of its own.
 */
final class RequestAccounting implements Filter {
  static final String METRIC = "http.server.requests";
  private static final String ROUTE_TEMPLATE = "tm.route_template";
  private static final Set<String> KNOWN_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");
  static final String OTHER_METHOD = "OTHER";
  private static final Duration[] BUCKETS = {
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10)
  };

  private final Draining draining;
  private final MeterRegistry meters;
  // Building and registering a timer per request costs a meter id, its tags and a registry lookup;
  // the timers are few (method x route template x status), so each is built once.
  private final ConcurrentMap<TimerKey, Timer> timers = new ConcurrentHashMap<>();

  RequestAccounting(Draining draining, MeterRegistry meters) {
    this.draining = draining;
    this.meters = meters;
  }

  /**
   * Before every request that matched an endpoint (Javalin knows the template only then): keeps the
   * route template for the metric.
   */
  static void rememberRouteTemplate(Context ctx) {
    ctx.attribute(ROUTE_TEMPLATE, ctx.endpointHandlerPath());
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    long start = System.nanoTime();
    Draining.InFlight inFlight = draining.enter();
    boolean async = false;
    try {
      chain.doFilter(request, response);
      async = request.isAsyncStarted();
      if (async) {
        // A watch waiting for a change, or an event stream: it counts until its answer is complete.
        request.getAsyncContext().addListener(new Completion(inFlight, start));
      } else {
        complete(response);
      }
    } finally {
      if (!async) {
        inFlight.close();
        record(
            (HttpServletRequest) request,
            (HttpServletResponse) response,
            System.nanoTime() - start);
      }
    }
  }

  /** Ends an asynchronous request's count and times it, once its response is complete. */
  private final class Completion implements AsyncListener {
    private final Draining.InFlight inFlight;
    private final long start;

    Completion(Draining.InFlight inFlight, long start) {
      this.inFlight = inFlight;
      this.start = start;
    }

    @Override
    public void onComplete(AsyncEvent event) {
      inFlight.close();
      record(
          (HttpServletRequest) event.getSuppliedRequest(),
          (HttpServletResponse) event.getSuppliedResponse(),
          System.nanoTime() - start);
    }

    @Override
    public void onTimeout(AsyncEvent event) {}

    @Override
    public void onError(AsyncEvent event) {}

    @Override
    public void onStartAsync(AsyncEvent event) {}
  }

  /**
   * Writes the rest of the response now, so that a request stops counting as in flight only once
   * its answer has left: a server stopped right after would otherwise cut off the last bytes.
   */
  private static void complete(ServletResponse response) throws IOException {
    try {
      response.getOutputStream().close();
    } catch (IllegalStateException usedWriter) {
      response.getWriter().close();
    }
  }

  private void record(HttpServletRequest request, HttpServletResponse response, long nanos) {
    int status = response.getStatus();
    Object template = request.getAttribute(ROUTE_TEMPLATE);
    String uri =
        template instanceof String t && !t.isEmpty() ? t : status == 404 ? "NOT_FOUND" : "UNKNOWN";
    timers
        .computeIfAbsent(new TimerKey(method(request.getMethod()), uri, status), this::timer)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  private static String method(String method) {
    return KNOWN_METHODS.contains(method) ? method : OTHER_METHOD;
  }

  private Timer timer(TimerKey key) {
    return Timer.builder(METRIC)
        .description("HTTP requests by route template and status")
        .tag("method", key.method())
        .tag("uri", key.uri())
        .tag("status", String.valueOf(key.status()))
        .serviceLevelObjectives(BUCKETS)
        .register(meters);
  }

  private record TimerKey(String method, String uri, int status) {}
}
