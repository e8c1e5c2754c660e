package dev.trafficmanager.api.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trafficmanager.api.auth.Caller;
import dev.trafficmanager.api.auth.Scope;
import dev.trafficmanager.api.changes.Indexed;
import dev.trafficmanager.api.splits.SplitCommand;
import dev.trafficmanager.api.splits.SplitNotFoundException;
import dev.trafficmanager.api.splits.SplitReader;
import dev.trafficmanager.api.splits.SplitWriter;
import dev.trafficmanager.event.SplitState;
import dev.trafficmanager.http.Endpoints;
import dev.trafficmanager.http.JsonResponder;
import dev.trafficmanager.resilience.Compartment;
import dev.trafficmanager.resilience.Resilience;
import dev.trafficmanager.split.SplitKey;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The split endpoints under {@code /api/v1/splits}: {@code PUT} sets a service's weights in an env,
 * {@code DELETE} removes them, {@code GET} reads one split or lists a tenant's. Writes take the
 * route writes' path ({@link WritePipeline}: {@code routes:write} for the tenant, JSON, bounded
 * bodies, idempotency keys, the tenant's write rate, the {@code writes} bulkhead); reads need
 * {@code routes:read} for the tenant and run in the {@code reads} bulkhead.
 */
final class SplitEndpoints {
  static final String SPLITS = "/api/v1/splits";
  private static final String SPLIT = SPLITS + "/{tenant}/{service}/{env}";

  private final SplitWriter writer;
  private final SplitReader reader;
  private final Resilience resilience;
  private final JsonResponder json;
  private final WritePipeline pipeline;
  private final Access access;

  SplitEndpoints(
      SplitWriter writer,
      SplitReader reader,
      Resilience resilience,
      ObjectMapper mapper,
      WritePipeline pipeline,
      Access access) {
    this.writer = writer;
    this.reader = reader;
    this.resilience = resilience;
    this.json = new JsonResponder(mapper);
    this.pipeline = pipeline;
    this.access = access;
  }

  void register(Endpoints app) {
    app.put(
        SPLIT,
        ctx ->
            pipeline.write(
                ctx,
                "set_split",
                WritePipeline.Body.REQUIRED,
                SplitEndpoints::set,
                c -> c.key().tenant(),
                writer::write));
    app.delete(
        SPLIT,
        ctx ->
            pipeline.write(
                ctx,
                "delete_split",
                WritePipeline.Body.OPTIONAL,
                SplitEndpoints::delete,
                c -> c.key().tenant(),
                writer::write));
    app.get(SPLIT, this::get);
    app.get(SPLITS, this::list);
  }

  private static SplitCommand set(WriteRequest request) {
    Supplier<SplitKey> key = splitKey(request::pathName);
    Map<String, Integer> weights = request.weights("weights");
    request.requireValid();
    return new SplitCommand(key.get(), weights);
  }

  private static SplitCommand delete(WriteRequest request) {
    Supplier<SplitKey> key = splitKey(request::pathName);
    request.requireValid();
    return SplitCommand.delete(key.get());
  }

  /**
   * Reads the three parts of a split key now, so that a {@link WriteRequest} collects their
   * violations with the others; the key is built only when asked, once they passed.
   */
  private static Supplier<SplitKey> splitKey(UnaryOperator<String> part) {
    String tenant = part.apply("tenant");
    String service = part.apply("service");
    String env = part.apply("env");
    return () -> new SplitKey(tenant, service, env);
  }

  private void get(Context ctx) {
    Caller caller = access.require(ctx, Scope.ROUTES_READ);
    SplitKey key = splitKey(ctx::pathParam).get();
    Access.requireTenant(caller, Scope.ROUTES_READ, key.tenant());
    Optional<SplitState> split =
        resilience.bulkhead(Compartment.READS).executeSupplier(() -> reader.find(key));
    json.send(
        ctx,
        200,
        split.filter(s -> !s.deleted()).orElseThrow(() -> new SplitNotFoundException(key)));
  }

  private void list(Context ctx) {
    Caller caller = access.require(ctx, Scope.ROUTES_READ);
    QueryParameters params = new QueryParameters(ctx);
    String tenant = params.name("tenant");
    params.requireValid();
    Access.requireTenant(caller, Scope.ROUTES_READ, tenant);
    Indexed<List<SplitState>> splits =
        resilience.bulkhead(Compartment.READS).executeSupplier(() -> reader.list(tenant));
    ctx.header(WatchEndpoints.INDEX_HEADER, String.valueOf(splits.index()));
    json.send(ctx, 200, new SplitList(splits.value(), splits.index()));
  }

  @JsonPropertyOrder({"items", "index"})
  private record SplitList(
      @JsonProperty("items") List<SplitState> items, @JsonProperty("index") long index) {}
}
