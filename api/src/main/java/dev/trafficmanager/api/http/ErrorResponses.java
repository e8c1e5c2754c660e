package dev.trafficmanager.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.trafficmanager.api.idempotency.IdempotencyKey;
import dev.trafficmanager.api.idempotency.IdempotencyKeyReusedException;
import dev.trafficmanager.api.routes.RouteConflictException;
import dev.trafficmanager.api.routes.RouteNotFoundException;
import dev.trafficmanager.route.InvalidInputException;
import dev.trafficmanager.route.Violation;
import io.javalin.Javalin;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps every failure to a JSON error response: bad input 400, unknown route 404, conflicting create
 * 409, reused idempotency key 422, PostgreSQL unreachable 503 with {@code Retry-After}, and
 * anything unexpected 500, logged with its stack trace but never sending it.
 */
final class ErrorResponses {
  private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);
  static final String RETRY_AFTER_SECONDS = "1";

  private final ObjectWriter json;

  ErrorResponses(ObjectWriter json) {
    this.json = json;
  }

  void register(Javalin app) {
    app.exception(
        InvalidInputException.class,
        (e, ctx) ->
            send(ctx, 400, new ErrorBody("invalid_request", e.getMessage(), e.violations())));
    app.exception(
        RouteNotFoundException.class,
        (e, ctx) -> send(ctx, 404, new ErrorBody("not_found", e.getMessage())));
    app.exception(
        RouteConflictException.class,
        (e, ctx) -> send(ctx, 409, new ErrorBody("conflict", e.getMessage())));
    app.exception(
        IdempotencyKeyReusedException.class,
        (e, ctx) ->
            send(
                ctx,
                422,
                new ErrorBody(
                    "idempotency_key_reused",
                    e.getMessage(),
                    List.of(
                        new Violation(
                            IdempotencyKey.HEADER, "was already used for a different request")))));
    app.exception(
        HttpResponseException.class,
        (e, ctx) -> send(ctx, e.getStatus(), new ErrorBody(code(e.getStatus()), e.getMessage())));
    app.exception(Exception.class, this::unexpected);
  }

  private void unexpected(Exception e, Context ctx) {
    if (isDatabaseUnreachable(e)) {
      log.warn("event=database_unavailable path={} error=\"{}\"", ctx.path(), e.toString());
      ctx.header("Retry-After", RETRY_AFTER_SECONDS);
      send(ctx, 503, new ErrorBody("unavailable", "the database is unavailable, retry later"));
      return;
    }
    log.error("event=request_failed method={} path={}", ctx.method(), ctx.path(), e);
    send(
        ctx,
        500,
        new ErrorBody(
            "internal_error", "unexpected error, correlation id " + CorrelationIds.of(ctx)));
  }

  /**
   * True when the pool could not hand out a connection in time, or PostgreSQL broke the connection
   * (SQLState class 08) or is shutting down or starting up (57P01 to 57P03).
   */
  static boolean isDatabaseUnreachable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException) {
        return true;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        if (state.startsWith("08")
            || state.equals("57P01")
            || state.equals("57P02")
            || state.equals("57P03")) {
          return true;
        }
      }
    }
    return false;
  }

  private static String code(int status) {
    HttpStatus known = HttpStatus.forStatus(status);
    return known == HttpStatus.UNKNOWN
        ? "http_" + status
        : known.getMessage().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
  }

  private void send(Context ctx, int status, ErrorBody body) {
    String text;
    try {
      text = json.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an error body is always serialisable", e);
    }
    ctx.status(status).contentType(ContentType.APPLICATION_JSON).result(text);
  }
}
