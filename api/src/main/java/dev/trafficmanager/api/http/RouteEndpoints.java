package dev.trafficmanager.api.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trafficmanager.api.auth.Caller;
import dev.trafficmanager.api.auth.Scope;
import dev.trafficmanager.api.changes.Indexed;
import dev.trafficmanager.api.resolve.Resolution;
import dev.trafficmanager.api.resolve.Resolver;
import dev.trafficmanager.api.resolve.SplitResolver;
import dev.trafficmanager.api.routes.ChangeUrl;
import dev.trafficmanager.api.routes.CreateRoute;
import dev.trafficmanager.api.routes.Route;
import dev.trafficmanager.api.routes.RouteCommand;
import dev.trafficmanager.api.routes.RouteNotFoundException;
import dev.trafficmanager.api.routes.RoutePage;
import dev.trafficmanager.api.routes.RouteQuery;
import dev.trafficmanager.api.routes.RouteReader;
import dev.trafficmanager.api.routes.RouteWriter;
import dev.trafficmanager.api.routes.SetActivation;
import dev.trafficmanager.http.Endpoints;
import dev.trafficmanager.http.JsonResponder;
import dev.trafficmanager.resilience.Compartment;
import dev.trafficmanager.resilience.Resilience;
import dev.trafficmanager.route.InvalidInputException;
import dev.trafficmanager.route.RouteKey;
import dev.trafficmanager.route.RouteRules;
import dev.trafficmanager.route.Violation;
import dev.trafficmanager.split.SplitKey;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The route endpoints under {@code /api/v1/routes}: writes, reads, the listing and resolve. The
 * caller's token must have the scope ({@code routes:write} or {@code routes:read}) before anything
 * of the request is read; input is validated next, then the token must hold the scope for the
 * route's tenant (403 otherwise), then a write's tenant must be within its write rate ({@link
 * TenantWriteLimits}: 429 otherwise); the work then runs in its bulkhead ({@code writes} or {@code
 * reads}), so a bad request is answered 400 even when the bulkhead is full, and a full bulkhead
 * answers 503 at once instead of queueing. Resolve takes a {@code reads} place only when it must go
 * to Redis or PostgreSQL.
 */
final class RouteEndpoints {
  static final String ROUTES = "/api/v1/routes";
  private static final String ROUTE = ROUTES + "/{tenant}/{service}/{env}/{version}";
  private static final String HASH_KEY = "hash_key";
  private static final int MAX_HASH_KEY_LENGTH = 256;

  private final RouteWriter writer;
  private final RouteReader reader;
  private final Resolver resolver;
  private final SplitResolver splitResolver;
  private final Resilience resilience;
  private final JsonResponder json;
  private final WritePipeline pipeline;
  private final Access access;

  RouteEndpoints(
      RouteWriter writer,
      RouteReader reader,
      Resolver resolver,
      SplitResolver splitResolver,
      Resilience resilience,
      ObjectMapper mapper,
      WritePipeline pipeline,
      Access access) {
    this.writer = writer;
    this.access = access;
    this.pipeline = pipeline;
    this.reader = reader;
    this.resolver = resolver;
    this.splitResolver = splitResolver;
    this.resilience = resilience;
    this.json = new JsonResponder(mapper);
  }

  void register(Endpoints app) {
    app.post(ROUTES, ctx -> write(ctx, "create", RouteEndpoints::create));
    app.post(ROUTES + "/activate", ctx -> write(ctx, "activate", r -> setActivation(r, true)));
    app.post(ROUTES + "/deactivate", ctx -> write(ctx, "deactivate", r -> setActivation(r, false)));
    app.put(ROUTE, ctx -> write(ctx, "change_url", RouteEndpoints::changeUrl));
    app.get(ROUTES + "/resolve", this::resolve);
    app.get(ROUTE, this::get);
    app.get(ROUTES, this::list);
  }

  private static RouteCommand create(WriteRequest request) {
    Supplier<RouteKey> key = routeKey(request::name);
    String url = request.url("url");
    request.requireValid();
    return new CreateRoute(key.get(), url);
  }

  private static RouteCommand setActivation(WriteRequest request, boolean active) {
    Supplier<RouteKey> key = routeKey(request::name);
    request.requireValid();
    return new SetActivation(key.get(), active);
  }

  private static RouteCommand changeUrl(WriteRequest request) {
    Supplier<RouteKey> key = routeKey(request::pathName);
    String url = request.url("url");
    request.requireValid();
    return new ChangeUrl(key.get(), url);
  }

  /**
   * Reads the four parts of a route key now, in order, so that a {@link WriteRequest} collects
   * their violations with the others; the key itself is built only when asked, once they passed.
   */
  private static Supplier<RouteKey> routeKey(UnaryOperator<String> part) {
    String tenant = part.apply("tenant");
    String service = part.apply("service");
    String env = part.apply("env");
    String version = part.apply("version");
    return () -> new RouteKey(tenant, service, env, version);
  }

  private void write(Context ctx, String action, Function<WriteRequest, RouteCommand> parse) {
    pipeline.write(
        ctx,
        action,
        WritePipeline.Body.REQUIRED,
        parse,
        command -> command.key().tenant(),
        writer::write);
  }

  private <T> T inBulkhead(Compartment compartment, Supplier<T> work) {
    return resilience.bulkhead(compartment).executeSupplier(work);
  }

  private void get(Context ctx) {
    Caller caller = access.require(ctx, Scope.ROUTES_READ);
    RouteKey key = routeKey(ctx::pathParam).get();
    Access.requireTenant(caller, Scope.ROUTES_READ, key.tenant());
    Indexed<Optional<Route>> read = inBulkhead(Compartment.READS, () -> reader.findIndexed(key));
    Route route = read.value().orElseThrow(() -> new RouteNotFoundException(key));
    ctx.header(WatchEndpoints.INDEX_HEADER, String.valueOf(read.index()));
    json.send(ctx, 200, new IndexedRoute(route, read.index()));
  }

  private void list(Context ctx) {
    Caller caller = access.require(ctx, Scope.ROUTES_READ);
    QueryParameters params = new QueryParameters(ctx);
    String tenant = params.name("tenant");
    Optional<String> service = params.optionalName("service");
    Optional<String> env = params.optionalName("env");
    int limit = params.integer("limit", RouteQuery.DEFAULT_LIMIT, 1, RouteQuery.MAX_LIMIT);
    // A cursor belongs to one tenant, so it can only be checked against a valid one.
    Optional<RouteKey> after =
        RouteRules.checkName("tenant", tenant).isPresent()
            ? Optional.empty()
            : params.decoded(PageCursor.PARAM, cursor -> PageCursor.decode(cursor, tenant));
    params.requireValid();
    Access.requireTenant(caller, Scope.ROUTES_READ, tenant);
    RouteQuery query = new RouteQuery(tenant, service, env, limit, after);
    RoutePage page = inBulkhead(Compartment.READS, () -> reader.page(query));
    ctx.header(WatchEndpoints.INDEX_HEADER, String.valueOf(page.index()));
    json.send(
        ctx,
        200,
        new RouteList(
            page.items(), page.next().map(PageCursor::encode).orElse(null), page.index()));
  }

  /**
   * Takes a {@code reads} place only to load (see {@link Resolver}), not for memory hits. Without
   * {@code version}, the service's split picks one ({@link SplitResolver}), by {@code hash_key}
   * when given.
   */
  private void resolve(Context ctx) {
    Optional<Caller> caller = access.requireForResolve(ctx);
    if (ctx.queryParam("version") == null) {
      resolveBySplit(ctx, caller);
      return;
    }
    RouteKey key = routeKey(ctx::queryParam).get();
    if (ctx.queryParam(HASH_KEY) != null) {
      throw new InvalidInputException(HASH_KEY, "is only taken without version");
    }
    caller.ifPresent(c -> Access.requireTenant(c, Scope.ROUTES_READ, key.tenant()));
    Resolution resolution =
        resolver.resolve(key).orElseThrow(() -> RouteNotFoundException.notResolvable(key));
    json.send(ctx, 200, resolution);
  }

  private void resolveBySplit(Context ctx, Optional<Caller> caller) {
    String hashKey = ctx.queryParam(HASH_KEY);
    List<Violation> violations = new ArrayList<>();
    String tenant = ctx.queryParam("tenant");
    String service = ctx.queryParam("service");
    String env = ctx.queryParam("env");
    Stream.of(
            RouteRules.checkName("tenant", tenant),
            RouteRules.checkName("service", service),
            RouteRules.checkName("env", env))
        .flatMap(Optional::stream)
        .forEach(violations::add);
    if (hashKey != null && (hashKey.isEmpty() || hashKey.length() > MAX_HASH_KEY_LENGTH)) {
      violations.add(
          new Violation(HASH_KEY, "must be 1 to " + MAX_HASH_KEY_LENGTH + " characters"));
    }
    if (!violations.isEmpty()) {
      throw new InvalidInputException(violations);
    }
    SplitKey key = new SplitKey(tenant, service, env);
    caller.ifPresent(c -> Access.requireTenant(c, Scope.ROUTES_READ, tenant));
    SplitResolver.Answer answer = splitResolver.resolve(key, Optional.ofNullable(hashKey));
    if (answer instanceof SplitResolver.Resolved resolved) {
      json.send(ctx, 200, resolved.resolution());
    } else if (answer instanceof SplitResolver.NotResolvable missing) {
      throw RouteNotFoundException.notResolvable(missing.route());
    } else {
      throw RouteNotFoundException.noVersion(key.toString());
    }
  }

  @JsonPropertyOrder({"items", "next_cursor", "index"})
  private record RouteList(
      @JsonProperty("items") List<Route> items,
      @JsonProperty("next_cursor") @JsonInclude(JsonInclude.Include.ALWAYS) String nextCursor,
      @JsonProperty("index") long index) {}

  /** A route with the change index of its tenant it was read at. */
  private record IndexedRoute(@JsonUnwrapped Route route, @JsonProperty("index") long index) {}
}
