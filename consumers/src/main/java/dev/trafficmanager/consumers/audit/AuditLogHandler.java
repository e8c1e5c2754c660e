package dev.trafficmanager.consumers.audit;

import dev.trafficmanager.consumers.runner.ChangeHandler;
import dev.trafficmanager.consumers.runner.NonRetriableException;
import dev.trafficmanager.database.DatabaseFailures;
import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.event.RouteState;
import dev.trafficmanager.route.RouteKey;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.Update;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends each change to the PostgreSQL {@code audit_log} table (migration V2): who changed which
 * route, how (action, previous and new URL and state), at which revision, when it happened and when
 * it was recorded ({@code processed_at}, the database's clock).
 *
 * <p>Idempotent in the table itself: {@code event_id} is its primary key and {@code (route_key,
 * revision)} is unique, and the insert does nothing on either conflict, so a replayed or duplicated
 * change never doubles a row. Failures the database blames on the row (a data exception or a
 * violated constraint) are thrown as {@link NonRetriableException}; every other failure is thrown
 * as it is, for the runner to retry. Thread-safe (Jdbi opens a handle per call).
 */
public final class AuditLogHandler implements ChangeHandler {
  private static final Logger log = LoggerFactory.getLogger(AuditLogHandler.class);

  private static final String INSERT =
      """
      INSERT INTO audit_log (
          event_id, route_key, tenant, service, env, version, action,
          previous_url, new_url, previous_active, new_active,
          revision, actor, correlation_id, occurred_at)
      VALUES (
          :event_id, :route_key, :tenant, :service, :env, :version, :action,
          :previous_url, :new_url, :previous_active, :new_active,
          :revision, :actor, :correlation_id, :occurred_at)
      ON CONFLICT DO NOTHING
      """;

  private final Jdbi jdbi;

  /**
   * @param jdbi on a database migrated by {@code Migrations.migrate}, with the PostgreSQL plugin
   *     installed (UUIDs bound natively)
   */
  public AuditLogHandler(Jdbi jdbi) {
    this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
  }

  @Override
  public void handle(RouteChange change) {
    int inserted;
    try {
      inserted = jdbi.withHandle(handle -> bind(handle.createUpdate(INSERT), change).execute());
    } catch (JdbiException e) {
      if (DatabaseFailures.isRowRejected(e)) {
        throw new NonRetriableException("audit_log rejected the change: " + e.getMessage(), e);
      }
      throw e;
    }
    log.info(
        "audit row {} route_key={} revision={} action={} event_id={}",
        inserted == 1 ? "written" : "already there",
        change.routeKey(),
        change.revision(),
        change.action().wireName(),
        change.eventId());
  }

  private static Update bind(Update update, RouteChange change) {
    RouteKey key = change.key();
    RouteState previous = change.previous();
    RouteState current = change.current();
    return update
        .bind("event_id", change.eventId())
        .bind("route_key", key.toString())
        .bind("tenant", key.tenant())
        .bind("service", key.service())
        .bind("env", key.env())
        .bind("version", key.version())
        .bind("action", change.action().wireName())
        .bind("previous_url", previous == null ? null : previous.url())
        .bind("new_url", current.url())
        .bind("previous_active", previous == null ? null : previous.active())
        .bind("new_active", current.active())
        .bind("revision", change.revision())
        .bind("actor", change.actor())
        .bind("correlation_id", change.correlationId())
        .bind("occurred_at", OffsetDateTime.ofInstant(change.occurredAt(), ZoneOffset.UTC));
  }
}
