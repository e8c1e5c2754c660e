package dev.trafficmanager.api.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.trafficmanager.api.audit.AuditEntry;
import dev.trafficmanager.api.audit.AuditPage;
import dev.trafficmanager.api.audit.AuditPosition;
import dev.trafficmanager.api.audit.AuditQuery;
import dev.trafficmanager.api.audit.AuditReader;
import dev.trafficmanager.event.Action;
import dev.trafficmanager.resilience.Compartment;
import dev.trafficmanager.resilience.Resilience;
import dev.trafficmanager.route.RouteKey;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The audit trail under {@code /api/v1/audit}, newest first, each answer a page {@code {"items":
 * […], "next_cursor": …}} ({@code next_cursor} null on the last page):
 *
 * <ul>
 *   <li>{@code GET /route?tenant&service&env&version} — one route's history, by revision;
 *   <li>{@code GET /recent?days=30[&tenant]} — what occurred in the last {@code days} (1 to 365);
 *   <li>{@code GET /action?action=deactivated&hours=24} — one action in the last {@code hours} (1
 *       to 8760);
 *   <li>{@code GET /time-range?start_time&end_time[&tenant]} — what occurred from {@code
 *       start_time} (inclusive) until {@code end_time} (exclusive), both RFC 3339.
 * </ul>
 *
 * Every query takes {@code limit} (1 to 500, default 50) and the {@code cursor} of the previous
 * page. A bad parameter is a 400 that names it. Queries run in the {@code audit} bulkhead, so a
 * flood of them cannot take the places of resolves and writes.
 */
final class AuditEndpoints {
  static final String AUDIT = "/api/v1/audit";
  static final int DEFAULT_DAYS = 30;
  static final int MAX_DAYS = 365;
  static final int DEFAULT_HOURS = 24;
  static final int MAX_HOURS = 24 * 365;

  private final AuditReader reader;
  private final Resilience resilience;
  private final Clock clock;
  private final JsonResponder json;

  AuditEndpoints(AuditReader reader, Resilience resilience, Clock clock, JsonResponder json) {
    this.reader = reader;
    this.resilience = resilience;
    this.clock = clock;
    this.json = json;
  }

  void register(Javalin app) {
    app.get(AUDIT + "/route", this::route);
    app.get(AUDIT + "/recent", this::recent);
    app.get(AUDIT + "/action", this::action);
    app.get(AUDIT + "/time-range", this::timeRange);
  }

  private void route(Context ctx) {
    QueryParameters params = new QueryParameters(ctx);
    String tenant = params.name("tenant");
    String service = params.name("service");
    String env = params.name("env");
    String version = params.name("version");
    int limit = limit(params);
    Optional<Long> before = params.decoded(AuditCursor.PARAM, AuditCursor::revision);
    params.requireValid();
    AuditQuery.RouteHistory query =
        new AuditQuery.RouteHistory(
            new RouteKey(tenant, service, env, version),
            limit,
            before.map(OptionalLong::of).orElse(OptionalLong.empty()));
    send(ctx, inBulkhead(() -> reader.history(query)), e -> AuditCursor.ofRevision(e.revision()));
  }

  private void recent(Context ctx) {
    QueryParameters params = new QueryParameters(ctx);
    int days = params.integer("days", DEFAULT_DAYS, 1, MAX_DAYS);
    Optional<String> tenant = params.optionalName("tenant");
    int limit = limit(params);
    Optional<AuditPosition> after = params.decoded(AuditCursor.PARAM, AuditCursor::position);
    params.requireValid();
    window(
        ctx,
        new AuditQuery.TimeWindow(
            clock.instant().minus(Duration.ofDays(days)),
            Optional.empty(),
            tenant,
            Optional.empty(),
            limit,
            after));
  }

  private void action(Context ctx) {
    QueryParameters params = new QueryParameters(ctx);
    Action action = params.action("action");
    int hours = params.integer("hours", DEFAULT_HOURS, 1, MAX_HOURS);
    int limit = limit(params);
    Optional<AuditPosition> after = params.decoded(AuditCursor.PARAM, AuditCursor::position);
    params.requireValid();
    window(
        ctx,
        new AuditQuery.TimeWindow(
            clock.instant().minus(Duration.ofHours(hours)),
            Optional.empty(),
            Optional.empty(),
            Optional.of(action),
            limit,
            after));
  }

  private void timeRange(Context ctx) {
    QueryParameters params = new QueryParameters(ctx);
    Instant start = params.time("start_time");
    Instant end = params.time("end_time");
    Optional<String> tenant = params.optionalName("tenant");
    int limit = limit(params);
    Optional<AuditPosition> after = params.decoded(AuditCursor.PARAM, AuditCursor::position);
    params.requireValid();
    window(
        ctx,
        new AuditQuery.TimeWindow(start, Optional.of(end), tenant, Optional.empty(), limit, after));
  }

  private static int limit(QueryParameters params) {
    return params.integer("limit", AuditQuery.DEFAULT_LIMIT, 1, AuditQuery.MAX_LIMIT);
  }

  private void window(Context ctx, AuditQuery.TimeWindow query) {
    send(ctx, inBulkhead(() -> reader.window(query)), e -> AuditCursor.ofPosition(e.position()));
  }

  private AuditPage inBulkhead(Supplier<AuditPage> query) {
    return resilience.bulkhead(Compartment.AUDIT).executeSupplier(query);
  }

  private void send(Context ctx, AuditPage page, Function<AuditEntry, String> cursorOf) {
    List<AuditEntry> items = page.items();
    String next = page.more() ? cursorOf.apply(items.get(items.size() - 1)) : null;
    json.send(ctx, 200, new AuditList(items, next));
  }

  @JsonPropertyOrder({"items", "next_cursor"})
  private record AuditList(
      @JsonProperty("items") List<AuditEntry> items,
      @JsonProperty("next_cursor") @JsonInclude(JsonInclude.Include.ALWAYS) String nextCursor) {}
}
