package dev.trafficmanager.api.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trafficmanager.api.audit.AuditReader;
import dev.trafficmanager.api.auth.Authenticator;
import dev.trafficmanager.api.auth.TokenIssuer;
import dev.trafficmanager.api.auth.TokenStore;
import dev.trafficmanager.api.console.ConsoleReaders;
import dev.trafficmanager.api.docs.ApiDocs;
import dev.trafficmanager.api.limits.LimitSettings;
import dev.trafficmanager.api.limits.TenantWriteLimits;
import dev.trafficmanager.api.resilience.Circuits;
import dev.trafficmanager.api.resolve.Resolver;
import dev.trafficmanager.api.resolve.SplitResolver;
import dev.trafficmanager.api.routes.RouteReader;
import dev.trafficmanager.api.routes.RouteWriter;
import dev.trafficmanager.api.splits.SplitReader;
import dev.trafficmanager.api.splits.SplitWriter;
import dev.trafficmanager.api.watch.WatchHub;
import dev.trafficmanager.api.watch.WatchSettings;
import dev.trafficmanager.health.Draining;
import dev.trafficmanager.health.HealthReport;
import dev.trafficmanager.http.Endpoints;
import dev.trafficmanager.http.HealthEndpoints;
import dev.trafficmanager.http.HostCheck;
import dev.trafficmanager.http.JsonResponder;
import dev.trafficmanager.service.ServiceContext;
import io.javalin.Javalin;
import io.javalin.http.Context;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.servlet.FilterHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face of the API on one Javalin server: the route and audit endpoints, health and
 * metrics, correlation ids, per-request accounting (in-flight count and timing) and the JSON error
 * mapping. A wrong method on a known path is a 405 with {@code Allow} (see {@link Endpoints}).
 *
 * <p>{@link #stop(Duration)} stops gracefully: requests to {@code /api/} arriving from then on are
 * refused with 503 ({@code draining}) and their connection closed, the server stops accepting
 * connections, requests in flight may finish within the bound, then the server stops.
 */
public final class HttpApi {
  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);

  /** What the endpoints serve. */
  public record Backends(
      RouteWriter writer,
      RouteReader reader,
      Resolver resolver,
      Splits splits,
      AuditReader audit,
      HealthReport health,
      ConsoleReaders console,
      WatchHub watches,
      WatchSettings watchSettings) {}

  /** The splits' writer and reader, and the resolver of a resolve without a version. */
  public record Splits(SplitWriter writer, SplitReader reader, SplitResolver resolver) {}

  /**
   * Who may call it.
   *
   * @param authenticator checks bearer tokens; empty while {@code TM_AUTH=off}
   * @param resolveOpen whether resolve answers without a token ({@code TM_AUTH_RESOLVE=open})
   * @param issuer makes tokens for {@code POST /api/v1/tokens}
   * @param store lists and revokes them
   */
  public record Auth(
      Optional<Authenticator> authenticator,
      boolean resolveOpen,
      TokenIssuer issuer,
      TokenStore store) {}

  /** What {@code /health} shows while authentication is off. */
  public static final String AUTH_OFF_WARNING =
      "TM_AUTH=off: the API asks for no token, anyone who reaches it may change any route";

  private final Javalin app;
  private final List<String> operations;
  private final Draining draining;
  private final WatchHub watches;
  private volatile boolean closing;

  /**
   * What the server lets callers do.
   *
   * @param allowedHosts the names a request's {@code Host} may give; empty: any ({@link HostCheck})
   * @param allowPrivateUrls whether a route may point at a loopback, private or link-local address
   *     ({@link dev.trafficmanager.route.RouteRules#checkTarget})
   */
  public record Policy(Set<String> allowedHosts, boolean allowPrivateUrls) {
    public Policy {
      allowedHosts = Set.copyOf(allowedHosts);
    }
  }

  public HttpApi(
      Backends backends,
      ServiceContext context,
      Circuits circuits,
      ObjectMapper mapper,
      Policy policy,
      LimitSettings limits,
      Auth auth) {
    this.draining = context.draining();
    this.watches = backends.watches();
    RequestAccounting accounting = new RequestAccounting(draining, context.meters());
    this.app =
        Javalin.create(
            config -> {
              ServerConfig.apply(config, limits.maxBodyBytes());
              config.jetty.modifyServletContextHandler(
                  handler ->
                      handler.addFilter(
                          new FilterHolder(accounting), "/*", EnumSet.of(DispatcherType.REQUEST)));
            });
    app.before(CorrelationIds::assign);
    app.before(new HostCheck(policy.allowedHosts())::check);
    app.beforeMatched(RequestAccounting::rememberRouteTemplate);
    app.beforeMatched(CorrelationIds::rejectInvalid);
    app.beforeMatched(this::refuseWhileClosing);
    app.after(CorrelationIds::release);
    JsonResponder json = new JsonResponder(mapper);
    new ErrorResponses(json, circuits).register(app);
    Endpoints endpoints = new Endpoints(app, json);
    new HealthEndpoints(
            backends.health(),
            context.metrics(),
            json,
            auth.authenticator().isPresent() ? List.of() : List.of(AUTH_OFF_WARNING))
        .register(endpoints);
    Access access = new Access(auth.authenticator(), auth.resolveOpen());
    WritePipeline writes =
        new WritePipeline(
            context.resilience(),
            context.meters(),
            mapper,
            policy.allowPrivateUrls(),
            limits.maxBodyBytes(),
            new TenantWriteLimits(limits, context.meters(), System::nanoTime),
            access);
    new RouteEndpoints(
            backends.writer(),
            backends.reader(),
            backends.resolver(),
            backends.splits().resolver(),
            context.resilience(),
            mapper,
            writes,
            access)
        .register(endpoints);
    new SplitEndpoints(
            backends.splits().writer(),
            backends.splits().reader(),
            context.resilience(),
            mapper,
            writes,
            access)
        .register(endpoints);
    new WatchEndpoints(backends.watches(), backends.watchSettings(), mapper, access)
        .register(endpoints);
    new AuditEndpoints(backends.audit(), context.resilience(), Clock.systemUTC(), json, access)
        .register(endpoints);
    new TokenEndpoints(
            auth.issuer(),
            auth.store(),
            () -> auth.authenticator().ifPresent(Authenticator::forgetAll),
            access,
            context.resilience(),
            mapper,
            limits.maxBodyBytes(),
            Clock.systemUTC())
        .register(endpoints);
    new ConsoleEndpoints(
            backends.console().pipeline(),
            backends.console().deadLetters(),
            context.resilience(),
            json,
            access)
        .register(endpoints);
    new ApiDocs(mapper).register(endpoints);
    endpoints.answerOtherMethods();
    this.operations = endpoints.operations();
  }

  /** Every endpoint served, as {@code "GET /api/v1/routes"}: what the OpenAPI document covers. */
  public List<String> operations() {
    return operations;
  }

  /** Starts listening on {@code host} (empty: every interface) and {@code port} (0: any free). */
  public void start(Optional<String> host, int port) {
    app.start(host.orElse(null), port);
  }

  /** The port listened on, once started. */
  public int port() {
    return app.port();
  }

  /** The address the server's socket is bound to, as the operating system reports it. */
  public InetSocketAddress boundAddress() {
    for (Connector connector : app.jettyServer().server().getConnectors()) {
      if (connector instanceof NetworkConnector network
          && network.getTransport() instanceof ServerSocketChannel channel) {
        try {
          return (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    throw new IllegalStateException("the server has no network connector");
  }

  /** Whether {@link #stop(Duration)} has begun. */
  public boolean isClosing() {
    return closing;
  }

  /**
   * Stops gracefully: refuses new API requests, stops accepting connections, waits up to {@code
   * drainTimeout} for the requests in flight, then stops the server (aborting what still runs).
   */
  public void stop(Duration drainTimeout) {
    closing = true;
    stopAccepting();
    // Parked watches and open streams would otherwise hold the drain for their whole wait.
    watches.release();
    int inFlight = draining.inFlight();
    boolean idle;
    try {
      idle = draining.awaitIdle(drainTimeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      idle = false;
    }
    if (idle) {
      log.info("event=http_drained in_flight_at_stop={}", inFlight);
    } else {
      log.warn(
          "event=http_drain_timeout drain_timeout_ms={} still_in_flight={}",
          drainTimeout.toMillis(),
          draining.inFlight());
    }
    app.stop();
  }

  private void stopAccepting() {
    for (Connector connector : app.jettyServer().server().getConnectors()) {
      if (connector instanceof NetworkConnector network) {
        try {
          network.close();
        } catch (RuntimeException e) {
          log.debug("closing the connector failed error={}", e.toString());
        }
      }
    }
  }

  private void refuseWhileClosing(Context ctx) {
    if (closing && ctx.path().startsWith("/api/")) {
      throw new ServiceUnavailableException(
          "draining", "this instance is shutting down, retry on another one");
    }
  }
}
