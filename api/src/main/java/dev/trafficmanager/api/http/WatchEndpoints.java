package dev.trafficmanager.api.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trafficmanager.api.auth.Caller;
import dev.trafficmanager.api.auth.Scope;
import dev.trafficmanager.api.changes.ChangeFilter;
import dev.trafficmanager.api.watch.Subscription;
import dev.trafficmanager.api.watch.WatchAnswer;
import dev.trafficmanager.api.watch.WatchHub;
import dev.trafficmanager.api.watch.WatchSettings;
import dev.trafficmanager.http.Endpoints;
import dev.trafficmanager.http.JsonResponder;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The watch endpoints: {@code GET /api/v1/routes/watch}, a blocking query, and {@code GET
 * /api/v1/routes/stream}, the same as Server-Sent Events. Neither holds a thread while it waits:
 * the query answers through a future the {@link WatchHub} completes, the stream is written by the
 * hub's fetches. Only a read of PostgreSQL takes a {@code reads} place (see {@link WatchHub}); an
 * answer from memory takes none, so thousands of watchers coming back at once after a change are
 * not refused by the bulkhead.
 */
final class WatchEndpoints {
  /** The header that carries the change index of an answer, on list, get, watch and stream. */
  static final String INDEX_HEADER = "X-TM-Index";

  static final String LAST_EVENT_ID = "Last-Event-ID";

  private final WatchHub hub;
  private final WatchSettings settings;
  private final JsonResponder json;
  private final ObjectMapper mapper;
  private final Access access;

  WatchEndpoints(WatchHub hub, WatchSettings settings, ObjectMapper mapper, Access access) {
    this.hub = hub;
    this.access = access;
    this.settings = settings;
    this.mapper = mapper;
    this.json = new JsonResponder(mapper);
  }

  void register(Endpoints app) {
    app.get(RouteEndpoints.ROUTES + "/watch", this::watch);
    app.get(RouteEndpoints.ROUTES + "/stream", this::stream);
  }

  private void watch(Context ctx) {
    Caller caller = access.require(ctx, Scope.ROUTES_READ);
    QueryParameters params = new QueryParameters(ctx);
    String tenant = params.name("tenant");
    ChangeFilter filter =
        new ChangeFilter(params.optionalName("service"), params.optionalName("env"));
    long index = params.index("index");
    Duration wait = params.duration("wait", settings.defaultWait(), settings.maxWait());
    params.rejectUnknown();
    params.requireValid();
    Access.requireTenant(caller, Scope.ROUTES_READ, tenant);
    CompletableFuture<WatchAnswer> answer = hub.watch(tenant, index, filter, wait);
    ctx.future(
        () ->
            answer.thenAccept(
                a -> {
                  ctx.header(INDEX_HEADER, String.valueOf(a.index()));
                  json.send(ctx, 200, a);
                }));
  }

  private void stream(Context ctx) {
    Caller caller = access.require(ctx, Scope.ROUTES_READ);
    QueryParameters params = new QueryParameters(ctx);
    String tenant = params.name("tenant");
    ChangeFilter filter =
        new ChangeFilter(params.optionalName("service"), params.optionalName("env"));
    Optional<Long> index = params.optionalIndex("index");
    // A reconnecting EventSource sends the id of the last event it received: that wins.
    Optional<Long> lastEventId = params.headerIndex(LAST_EVENT_ID);
    params.rejectUnknown();
    params.requireValid();
    Access.requireTenant(caller, Scope.ROUTES_READ, tenant);
    EventStream stream = new EventStream(ctx, mapper);
    long from = lastEventId.or(() -> index).orElseGet(() -> hub.latest(tenant));
    stream.startingAt(from);
    Subscription subscription = hub.subscribe(tenant, from, filter, stream);
    try {
      stream.open();
    } catch (IOException e) {
      subscription.close();
      throw new UncheckedIOException(e);
    }
    ctx.future(subscription::closed);
  }
}
