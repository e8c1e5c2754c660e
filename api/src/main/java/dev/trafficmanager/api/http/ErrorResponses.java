package dev.trafficmanager.api.http;

import dev.trafficmanager.api.auth.AccessDeniedException;
import dev.trafficmanager.api.auth.AuthenticationException;
import dev.trafficmanager.api.changes.IndexGoneException;
import dev.trafficmanager.api.idempotency.IdempotencyKey;
import dev.trafficmanager.api.idempotency.IdempotencyKeyReusedException;
import dev.trafficmanager.api.resilience.Circuits;
import dev.trafficmanager.api.routes.RouteConflictException;
import dev.trafficmanager.api.routes.RouteNotFoundException;
import dev.trafficmanager.api.routes.VersionInSplitException;
import dev.trafficmanager.api.splits.SplitConflictException;
import dev.trafficmanager.api.splits.SplitNotFoundException;
import dev.trafficmanager.database.DatabaseFailures;
import dev.trafficmanager.http.ErrorBody;
import dev.trafficmanager.http.JsonResponder;
import dev.trafficmanager.route.InvalidInputException;
import dev.trafficmanager.route.Violation;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Header;
import io.javalin.http.HttpResponseException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps every failure to a JSON error response: bad input 400, no valid token 401 and a token
 * without the scope or tenant 403 (both with {@code WWW-Authenticate: Bearer}, RFC 6750), unknown
 * route 404, conflicting create 409, a watch index older than the change history kept 410, reused
 * idempotency key 422, and anything unexpected 500, logged with its stack trace but never sending
 * it.
 *
 * <p>503 with {@code Retry-After}, at once and never after waiting on a pool: a circuit breaker
 * that refused the call ({@code circuit_open}, retry after the seconds until it lets a probe
 * through), a full bulkhead ({@code overloaded}, 1 s), PostgreSQL unreachable after the retries the
 * budget allowed ({@code database_unreachable}, 1 s), PostgreSQL reachable but unable to finish the
 * statement — timed out, deadlocked, out of resources ({@code database_busy}, 1 s, at once: it
 * neither retries nor counts against the breaker), the instance shutting down ({@code draining}, 1
 * s, and the connection is closed).
 */
final class ErrorResponses {
  private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);
  static final String RETRY_AFTER = "Retry-After";
  private static final String BEARER = "Bearer realm=\"traffic-manager\"";

  private final JsonResponder json;
  private final Circuits circuits;

  ErrorResponses(JsonResponder json, Circuits circuits) {
    this.json = json;
    this.circuits = circuits;
  }

  void register(Javalin app) {
    // Javalin answers its own HttpResponseException itself unless a handler names that class.
    app.exception(HttpResponseException.class, this::answer);
    app.exception(Exception.class, this::answer);
  }

  /**
   * The status a failure is answered with: the one place where an exception becomes an HTTP status
   * (the write metrics name their outcomes by it too).
   */
  static int status(Throwable failure) {
    if (failure instanceof InvalidInputException) {
      return 400;
    }
    if (failure instanceof AuthenticationException) {
      return 401;
    }
    if (failure instanceof AccessDeniedException) {
      return 403;
    }
    if (failure instanceof RouteNotFoundException || failure instanceof SplitNotFoundException) {
      return 404;
    }
    if (failure instanceof RouteConflictException
        || failure instanceof SplitConflictException
        || failure instanceof VersionInSplitException) {
      return 409;
    }
    if (failure instanceof IdempotencyKeyReusedException) {
      return 422;
    }
    if (failure instanceof IndexGoneException) {
      return 410;
    }
    if (failure instanceof HttpResponseException e) {
      return e.getStatus();
    }
    if (failure instanceof CallNotPermittedException
        || failure instanceof BulkheadFullException
        || failure instanceof ServiceUnavailableException
        || DatabaseFailures.isTransient(failure)) {
      return 503;
    }
    return 500;
  }

  private void answer(Exception e, Context ctx) {
    int status = status(e);
    if (status == 503) {
      unavailable(e, ctx);
    } else if (status == 500) {
      unexpected(e, ctx);
    } else if (e instanceof AuthenticationException refused) {
      ctx.header(
          Header.WWW_AUTHENTICATE,
          refused.tokenPresented() ? BEARER + ", error=\"invalid_token\"" : BEARER);
      json.send(
          ctx,
          status,
          new ErrorBody(
              refused.tokenPresented() ? "invalid_token" : "unauthorized", e.getMessage()));
    } else if (e instanceof AccessDeniedException) {
      ctx.header(Header.WWW_AUTHENTICATE, BEARER + ", error=\"insufficient_scope\"");
      json.send(ctx, status, new ErrorBody("insufficient_scope", e.getMessage()));
    } else if (e instanceof InvalidInputException invalid) {
      json.send(
          ctx, status, new ErrorBody("invalid_request", e.getMessage(), invalid.violations()));
    } else if (e instanceof IdempotencyKeyReusedException) {
      json.send(
          ctx,
          status,
          new ErrorBody(
              "idempotency_key_reused",
              e.getMessage(),
              List.of(
                  new Violation(
                      IdempotencyKey.HEADER, "was already used for a different request"))));
    } else {
      json.send(ctx, status, ErrorBody.forStatus(status, e.getMessage()));
    }
  }

  private void unavailable(Exception e, Context ctx) {
    if (e instanceof CallNotPermittedException refused) {
      String dependency = refused.getCausingCircuitBreakerName();
      log.debug("event=circuit_open dependency={} path={}", dependency, ctx.path());
      unavailable(
          ctx,
          circuits.retryAfterSeconds(dependency),
          ErrorBody.unavailable(
              "circuit_open", dependency + " is unavailable (circuit breaker open), retry later"));
    } else if (e instanceof BulkheadFullException full) {
      log.debug("event=bulkhead_full bulkhead={} path={}", full.getBulkheadName(), ctx.path());
      unavailable(
          ctx,
          1,
          ErrorBody.unavailable(
              "overloaded",
              "too many concurrent " + full.getBulkheadName() + " requests, retry later"));
    } else if (e instanceof ServiceUnavailableException refused) {
      ctx.header("Connection", "close");
      unavailable(ctx, 1, ErrorBody.unavailable(refused.reason(), e.getMessage()));
    } else {
      log.warn("event=database_unavailable path={} error=\"{}\"", ctx.path(), e.toString());
      unavailable(
          ctx,
          1,
          DatabaseFailures.isUnreachable(e)
              ? ErrorBody.unavailable(
                  "database_unreachable", "the database is unreachable, retry later")
              : ErrorBody.unavailable(
                  "database_busy",
                  "the database could not finish the request in time, retry later"));
    }
  }

  private void unexpected(Exception e, Context ctx) {
    log.error("event=request_failed method={} path={}", ctx.method(), ctx.path(), e);
    json.send(
        ctx,
        500,
        new ErrorBody(
            "internal_error", "unexpected error, correlation id " + CorrelationIds.of(ctx)));
  }

  private void unavailable(Context ctx, long retryAfterSeconds, ErrorBody body) {
    ctx.header(RETRY_AFTER, String.valueOf(retryAfterSeconds));
    json.send(ctx, 503, body);
  }
}
