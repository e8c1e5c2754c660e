package dev.trafficmanager.api.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.trafficmanager.api.idempotency.StoredAnswer;
import dev.trafficmanager.api.resolve.Resolver;
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
import dev.trafficmanager.api.routes.WriteReply;
import dev.trafficmanager.route.InvalidInputException;
import dev.trafficmanager.route.RouteKey;
import dev.trafficmanager.route.RouteRules;
import dev.trafficmanager.route.Violation;
import io.javalin.Javalin;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The route endpoints under {@code /api/v1/routes}: writes, reads, the listing and resolve. */
final class RouteEndpoints {
  static final String ROUTES = "/api/v1/routes";
  private static final String ROUTE = ROUTES + "/{tenant}/{service}/{env}/{version}";

  private final RouteWriter writer;
  private final RouteReader reader;
  private final Resolver resolver;
  private final ObjectMapper mapper;
  private final ObjectReader strictJson;

  RouteEndpoints(RouteWriter writer, RouteReader reader, Resolver resolver, ObjectMapper mapper) {
    this.writer = writer;
    this.reader = reader;
    this.resolver = resolver;
    this.mapper = mapper;
    // Trailing garbage and duplicate keys make a body ambiguous: reject rather than guess.
    this.strictJson =
        mapper
            .reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  }

  void register(Javalin app) {
    app.post(ROUTES, this::create);
    app.post(ROUTES + "/activate", ctx -> setActivation(ctx, true));
    app.post(ROUTES + "/deactivate", ctx -> setActivation(ctx, false));
    app.put(ROUTE, this::changeUrl);
    app.get(ROUTES + "/resolve", this::resolve);
    app.get(ROUTE, this::get);
    app.get(ROUTES, this::list);
  }

  private void create(Context ctx) {
    WriteRequest request = WriteRequest.read(ctx, strictJson);
    String tenant = request.name("tenant");
    String service = request.name("service");
    String env = request.name("env");
    String version = request.name("version");
    String url = request.url("url");
    request.requireValid();
    write(ctx, new CreateRoute(new RouteKey(tenant, service, env, version), url), request);
  }

  private void setActivation(Context ctx, boolean active) {
    WriteRequest request = WriteRequest.read(ctx, strictJson);
    String tenant = request.name("tenant");
    String service = request.name("service");
    String env = request.name("env");
    String version = request.name("version");
    request.requireValid();
    write(ctx, new SetActivation(new RouteKey(tenant, service, env, version), active), request);
  }

  private void changeUrl(Context ctx) {
    WriteRequest request = WriteRequest.read(ctx, strictJson);
    String tenant = request.pathName("tenant");
    String service = request.pathName("service");
    String env = request.pathName("env");
    String version = request.pathName("version");
    String url = request.url("url");
    request.requireValid();
    write(ctx, new ChangeUrl(new RouteKey(tenant, service, env, version), url), request);
  }

  private void write(Context ctx, RouteCommand command, WriteRequest request) {
    WriteReply reply = writer.write(command, request.context());
    if (reply.replayed()) {
      ctx.header("Idempotent-Replayed", "true");
    }
    StoredAnswer answer = reply.answer();
    ctx.status(answer.status()).contentType(ContentType.APPLICATION_JSON).result(answer.body());
  }

  private void get(Context ctx) {
    RouteKey key =
        new RouteKey(
            ctx.pathParam("tenant"),
            ctx.pathParam("service"),
            ctx.pathParam("env"),
            ctx.pathParam("version"));
    Route route = reader.find(key).orElseThrow(() -> new RouteNotFoundException(key));
    json(ctx, route);
  }

  private void list(Context ctx) {
    List<Violation> violations = new ArrayList<>();
    String tenant = ctx.queryParam("tenant");
    Optional<String> service = Optional.ofNullable(ctx.queryParam("service"));
    Optional<String> env = Optional.ofNullable(ctx.queryParam("env"));
    RouteRules.checkName("tenant", tenant).ifPresent(violations::add);
    service.flatMap(s -> RouteRules.checkName("service", s)).ifPresent(violations::add);
    env.flatMap(e -> RouteRules.checkName("env", e)).ifPresent(violations::add);
    int limit = limit(ctx.queryParam("limit"), violations);
    Optional<RouteKey> after = Optional.empty();
    String cursor = ctx.queryParam(PageCursor.PARAM);
    if (cursor != null && violations.stream().noneMatch(v -> v.field().equals("tenant"))) {
      try {
        after = Optional.of(PageCursor.decode(cursor, tenant));
      } catch (InvalidInputException e) {
        violations.addAll(e.violations());
      }
    }
    if (!violations.isEmpty()) {
      throw new InvalidInputException(violations);
    }
    RoutePage page = reader.page(new RouteQuery(tenant, service, env, limit, after));
    json(ctx, new RouteList(page.items(), page.next().map(PageCursor::encode).orElse(null)));
  }

  private static int limit(String value, List<Violation> violations) {
    if (value == null) {
      return RouteQuery.DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(value);
      if (limit >= 1 && limit <= RouteQuery.MAX_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // reported below like an out-of-range number
    }
    violations.add(new Violation("limit", "must be an integer from 1 to " + RouteQuery.MAX_LIMIT));
    return RouteQuery.DEFAULT_LIMIT;
  }

  private void resolve(Context ctx) {
    RouteKey key =
        new RouteKey(
            ctx.queryParam("tenant"),
            ctx.queryParam("service"),
            ctx.queryParam("env"),
            ctx.queryParam("version"));
    json(ctx, resolver.resolve(key).orElseThrow(() -> new RouteNotFoundException(key)));
  }

  private void json(Context ctx, Object body) {
    String text;
    try {
      text = mapper.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a response body is always serialisable", e);
    }
    ctx.status(200).contentType(ContentType.APPLICATION_JSON).result(text);
  }

  @JsonPropertyOrder({"items", "next_cursor"})
  private record RouteList(
      @JsonProperty("items") List<Route> items,
      @JsonProperty("next_cursor") @JsonInclude(JsonInclude.Include.ALWAYS) String nextCursor) {}
}
