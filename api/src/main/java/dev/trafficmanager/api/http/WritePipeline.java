package dev.trafficmanager.api.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.trafficmanager.api.auth.Caller;
import dev.trafficmanager.api.auth.Scope;
import dev.trafficmanager.api.idempotency.StoredAnswer;
import dev.trafficmanager.api.limits.TenantWriteLimits;
import dev.trafficmanager.api.routes.WriteContext;
import dev.trafficmanager.api.routes.WriteReply;
import dev.trafficmanager.resilience.Compartment;
import dev.trafficmanager.resilience.Resilience;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The path of every write request, whatever it writes (a route, a split), in this order: the token
 * must have {@code routes:write} before anything of the request is read; the body is read (JSON
 * only, 415 otherwise; bounded, 413) and validated (400 naming every problem); the token must hold
 * the scope for the tenant written (403); the tenant must be within its write rate ({@link
 * TenantWriteLimits}, 429, shared by all of a tenant's writes); then the write runs in the {@code
 * writes} bulkhead (503 at once when full) under its {@code Idempotency-Key}. One instance serves
 * every write endpoint, so they share the per-tenant limits.
 */
final class WritePipeline {
  /** Whether a write must have a JSON body, or (a DELETE, whose path says it all) may not. */
  enum Body {
    REQUIRED,
    OPTIONAL
  }

  private final Resilience resilience;
  private final WriteMetrics writes;
  private final ObjectReader strictJson;
  private final boolean allowPrivateUrls;
  private final long maxBodyBytes;
  private final TenantWriteLimits writeLimits;
  private final Access access;

  WritePipeline(
      Resilience resilience,
      MeterRegistry meters,
      ObjectMapper mapper,
      boolean allowPrivateUrls,
      long maxBodyBytes,
      TenantWriteLimits writeLimits,
      Access access) {
    this.resilience = resilience;
    this.writes = new WriteMetrics(meters);
    this.strictJson = RequestBody.strictReader(mapper);
    this.allowPrivateUrls = allowPrivateUrls;
    this.maxBodyBytes = maxBodyBytes;
    this.writeLimits = writeLimits;
    this.access = access;
  }

  /**
   * Reads, checks and applies one write and answers it (the stored answer, with {@code
   * Idempotent-Replayed: true} for a replay).
   *
   * @param action the write's name in {@code tm_route_writes_total{action}}
   * @param body whether the request must have a body
   * @param parse turns the request into a command, or throws naming every problem
   * @param tenant the tenant the command writes to
   * @param apply applies the command in its transaction
   */
  <C> void write(
      Context ctx,
      String action,
      Body body,
      Function<WriteRequest, C> parse,
      Function<C, String> tenant,
      BiFunction<C, WriteContext, WriteReply> apply) {
    WriteReply reply;
    try {
      Caller caller = access.require(ctx, Scope.ROUTES_WRITE);
      WriteRequest request =
          body == Body.OPTIONAL
              ? WriteRequest.readBodyless(ctx, caller, strictJson, allowPrivateUrls, maxBodyBytes)
              : WriteRequest.read(ctx, caller, strictJson, allowPrivateUrls, maxBodyBytes);
      C command = parse.apply(request);
      Access.requireTenant(caller, Scope.ROUTES_WRITE, tenant.apply(command));
      writeLimits.admit(ctx, tenant.apply(command));
      reply =
          resilience
              .bulkhead(Compartment.WRITES)
              .executeSupplier(() -> apply.apply(command, request.context()));
    } catch (RuntimeException e) {
      writes.failed(action, e);
      throw e;
    }
    writes.succeeded(action, reply);
    if (reply.replayed()) {
      ctx.header("Idempotent-Replayed", "true");
    }
    StoredAnswer answer = reply.answer();
    ctx.status(answer.status()).contentType(ContentType.APPLICATION_JSON).result(answer.body());
  }
}
