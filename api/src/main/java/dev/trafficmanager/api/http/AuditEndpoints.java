package dev.trafficmanager.api.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.trafficmanager.api.audit.AuditEntry;
import dev.trafficmanager.api.audit.AuditPage;
import dev.trafficmanager.api.audit.AuditPosition;
import dev.trafficmanager.api.audit.AuditQuery;
import dev.trafficmanager.api.audit.AuditReader;
import dev.trafficmanager.api.auth.AccessDeniedException;
import dev.trafficmanager.api.auth.Caller;
import dev.trafficmanager.api.auth.Scope;
import dev.trafficmanager.event.Action;
import dev.trafficmanager.http.Endpoints;
import dev.trafficmanager.http.JsonResponder;
import dev.trafficmanager.resilience.Compartment;
import dev.trafficmanager.resilience.Resilience;
import dev.trafficmanager.route.RouteKey;
import dev.trafficmanager.split.SplitKey;
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
 *   <li>{@code GET /split?tenant&service&env} — one split's history, by revision;
 *   <li>{@code GET /recent?days=30} — what occurred in the last {@code days} (1 to 365);
 *   <li>{@code GET /action?action=deactivated&hours=24} — one action in the last {@code hours} (1
 *       to 8760);
 *   <li>{@code GET /time-range?start_time&end_time} — what occurred from {@code start_time}
 *       (inclusive) until {@code end_time} (exclusive), both RFC 3339 with an offset.
 * </ul>
 *
 * The three time-ordered queries answer routes' and splits' entries in one time order (a split's
 * has {@code split_key} and weights where a route's has {@code route_key}, {@code version} and
 * URLs), as the watch API serves both kinds of change; {@code action=split_changed} selects the
 * splits' only, any other action the routes'. They take the same optional filters, {@code tenant},
 * {@code service}, {@code env} and {@code action} (required by {@code /action}), which combine with
 * AND. Every query takes {@code limit} (1 to 500, default 50) and the {@code cursor} of the
 * previous page. A bad parameter is a 400 that names it, and so is a parameter the endpoint does
 * not take or one given twice: a filter that was sent is never silently ignored. Queries run in the
 * {@code audit} bulkhead, so a flood of them cannot take the places of resolves and writes.
 *
 * <p>Every query needs a token with {@code audit:read}, for the tenant it asks about: a token that
 * is not {@code admin} must give {@code tenant} (403 without it), since the query would otherwise
 * read every tenant's history.
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
  private final Access access;

  AuditEndpoints(
      AuditReader reader, Resilience resilience, Clock clock, JsonResponder json, Access access) {
    this.access = access;
    this.reader = reader;
    this.resilience = resilience;
    this.clock = clock;
    this.json = json;
  }

  void register(Endpoints endpoints) {
    endpoints.get(AUDIT + "/route", this::route);
    endpoints.get(AUDIT + "/split", this::split);
    endpoints.get(AUDIT + "/recent", this::recent);
    endpoints.get(AUDIT + "/action", this::action);
    endpoints.get(AUDIT + "/time-range", this::timeRange);
  }

  private void route(Context ctx) {
    Caller caller = access.require(ctx, Scope.AUDIT_READ);
    QueryParameters params = new QueryParameters(ctx);
    String tenant = params.name("tenant");
    String service = params.name("service");
    String env = params.name("env");
    String version = params.name("version");
    HistoryPage page = historyPage(caller, params, tenant);
    AuditQuery.RouteHistory query =
        new AuditQuery.RouteHistory(
            new RouteKey(tenant, service, env, version), page.limit(), page.before());
    sendHistory(ctx, () -> reader.history(query));
  }

  private void split(Context ctx) {
    Caller caller = access.require(ctx, Scope.AUDIT_READ);
    QueryParameters params = new QueryParameters(ctx);
    String tenant = params.name("tenant");
    String service = params.name("service");
    String env = params.name("env");
    HistoryPage page = historyPage(caller, params, tenant);
    AuditQuery.SplitHistory query =
        new AuditQuery.SplitHistory(
            new SplitKey(tenant, service, env), page.limit(), page.before());
    sendHistory(ctx, () -> reader.history(query));
  }

  /** Which page of a history: {@code limit} entries below revision {@code before}, if given. */
  private record HistoryPage(int limit, OptionalLong before) {}

  /**
   * Reads a history's paging parameters, checks every parameter, and that the caller may read
   * {@code tenant}'s audit log.
   */
  private static HistoryPage historyPage(Caller caller, QueryParameters params, String tenant) {
    int limit = limit(params);
    OptionalLong before =
        params
            .decoded(AuditCursor.PARAM, AuditCursor::revision)
            .map(OptionalLong::of)
            .orElse(OptionalLong.empty());
    params.rejectUnknown();
    params.requireValid();
    Access.requireTenant(caller, Scope.AUDIT_READ, tenant);
    return new HistoryPage(limit, before);
  }

  /** A history page, continued below its last revision. */
  private void sendHistory(Context ctx, Supplier<AuditPage> query) {
    send(ctx, inBulkhead(query), e -> AuditCursor.ofRevision(e.revision()));
  }

  private void recent(Context ctx) {
    Caller caller = access.require(ctx, Scope.AUDIT_READ);
    QueryParameters params = new QueryParameters(ctx);
    int days = params.integer("days", DEFAULT_DAYS, 1, MAX_DAYS);
    AuditQuery.Filter filter = filter(params, params.optionalAction("action"));
    window(
        ctx,
        caller,
        params,
        clock.instant().minus(Duration.ofDays(days)),
        Optional.empty(),
        filter);
  }

  private void action(Context ctx) {
    Caller caller = access.require(ctx, Scope.AUDIT_READ);
    QueryParameters params = new QueryParameters(ctx);
    Action action = params.action("action");
    int hours = params.integer("hours", DEFAULT_HOURS, 1, MAX_HOURS);
    AuditQuery.Filter filter = filter(params, Optional.ofNullable(action));
    window(
        ctx,
        caller,
        params,
        clock.instant().minus(Duration.ofHours(hours)),
        Optional.empty(),
        filter);
  }

  private void timeRange(Context ctx) {
    Caller caller = access.require(ctx, Scope.AUDIT_READ);
    QueryParameters params = new QueryParameters(ctx);
    Instant start = params.time("start_time");
    Instant end = params.time("end_time");
    AuditQuery.Filter filter = filter(params, params.optionalAction("action"));
    window(ctx, caller, params, start, Optional.ofNullable(end), filter);
  }

  private static AuditQuery.Filter filter(QueryParameters params, Optional<Action> action) {
    return new AuditQuery.Filter(
        params.optionalName("tenant"),
        params.optionalName("service"),
        params.optionalName("env"),
        action);
  }

  /** Reads the paging parameters, checks them all, and answers the page of the window. */
  private void window(
      Context ctx,
      Caller caller,
      QueryParameters params,
      Instant from,
      Optional<Instant> until,
      AuditQuery.Filter filter) {
    int limit = limit(params);
    Optional<AuditPosition> after = params.decoded(AuditCursor.PARAM, AuditCursor::position);
    params.rejectUnknown();
    params.requireValid();
    requireTenant(caller, filter);
    AuditQuery.TimeWindow query = new AuditQuery.TimeWindow(from, until, filter, limit, after);
    send(ctx, inBulkhead(() -> reader.window(query)), e -> AuditCursor.ofPosition(e.position()));
  }

  /** A filter without a tenant reads every tenant's history: only admin may. */
  private static void requireTenant(Caller caller, AuditQuery.Filter filter) {
    if (filter.tenant().isPresent()) {
      Access.requireTenant(caller, Scope.AUDIT_READ, filter.tenant().get());
    } else if (!caller.has(Scope.ADMIN)) {
      throw new AccessDeniedException(
          "the token "
              + caller.name()
              + " reads the audit log of its own tenants only: give tenant");
    }
  }

  private static int limit(QueryParameters params) {
    return params.integer("limit", AuditQuery.DEFAULT_LIMIT, 1, AuditQuery.MAX_LIMIT);
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
