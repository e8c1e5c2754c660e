package dev.trafficmanager.consumers.audit;

import dev.trafficmanager.consumers.runner.BatchResult;
import dev.trafficmanager.consumers.runner.ChangeHandler;
import dev.trafficmanager.consumers.runner.NonRetriableException;
import dev.trafficmanager.database.DatabaseFailures;
import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.event.RouteState;
import dev.trafficmanager.route.RouteKey;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
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
 * <p>A batch is one multi-row {@code INSERT} (up to {@value #MAX_ROWS} rows a statement), atomic:
 * all of its rows or none. Idempotent in the table itself: {@code event_id} is its primary key and
 * {@code (route_key, revision)} is unique, and the insert does nothing on either conflict, so a
 * replayed or duplicated change never doubles a row. When the database blames a row (a data
 * exception or a violated constraint), the statement as a whole is refused; the batch is then
 * inserted change by change to find that row: the changes before it are applied, and it fails as a
 * {@link NonRetriableException}. Every other failure (an outage) applies nothing of the statement
 * and is returned as it is, for the runner to retry. Thread-safe (Jdbi opens a handle per call).
 */
public final class AuditLogHandler implements ChangeHandler {
  static final int MAX_ROWS = 1_000;

  private static final Logger log = LoggerFactory.getLogger(AuditLogHandler.class);

  private static final String COLUMNS =
      """
      INSERT INTO audit_log (
          event_id, route_key, tenant, service, env, version, action,
          previous_url, new_url, previous_active, new_active,
          revision, actor, correlation_id, occurred_at)
      VALUES
      """;
  private static final String ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String ON_CONFLICT = "\nON CONFLICT DO NOTHING";

  private final Jdbi jdbi;

  /**
   * @param jdbi on a database migrated by {@code Migrations.migrate}, with the PostgreSQL plugin
   *     installed (UUIDs bound natively)
   */
  public AuditLogHandler(Jdbi jdbi) {
    this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
  }

  @Override
  public BatchResult apply(List<RouteChange> changes) {
    int applied = 0;
    while (applied < changes.size()) {
      List<RouteChange> chunk =
          changes.subList(applied, Math.min(changes.size(), applied + MAX_ROWS));
      try {
        int inserted = insert(chunk);
        log.debug("audit rows written rows={} inserted={}", chunk.size(), inserted);
      } catch (JdbiException e) {
        if (!DatabaseFailures.isRowRejected(e)) {
          return BatchResult.failedAt(applied, e);
        }
        BatchResult failed = oneByOne(chunk, applied);
        if (failed != null) {
          return failed;
        }
      }
      applied += chunk.size();
    }
    return BatchResult.all(changes.size());
  }

  /**
   * Inserts the rows one statement each, to find the one the database rejects; null when every row
   * is in after all.
   */
  private BatchResult oneByOne(List<RouteChange> chunk, int offset) {
    for (int i = 0; i < chunk.size(); i++) {
      RouteChange change = chunk.get(i);
      try {
        insert(List.of(change));
      } catch (JdbiException e) {
        if (DatabaseFailures.isRowRejected(e)) {
          return BatchResult.failedAt(
              offset + i,
              new NonRetriableException("audit_log rejected the change: " + e.getMessage(), e));
        }
        return BatchResult.failedAt(offset + i, e);
      }
    }
    // Accepted one by one after being refused as a whole: every row is in.
    return null;
  }

  private int insert(List<RouteChange> rows) {
    StringBuilder sql = new StringBuilder(COLUMNS.length() + rows.size() * (ROW.length() + 2));
    sql.append(COLUMNS);
    for (int i = 0; i < rows.size(); i++) {
      sql.append(i == 0 ? "" : ",\n").append(ROW);
    }
    sql.append(ON_CONFLICT);
    return jdbi.withHandle(
        handle -> {
          Update update = handle.createUpdate(sql.toString());
          int position = 0;
          for (RouteChange change : rows) {
            position = bind(update, position, change);
          }
          return update.execute();
        });
  }

  private static int bind(Update update, int position, RouteChange change) {
    RouteKey key = change.key();
    RouteState previous = change.previous();
    RouteState current = change.current();
    update
        .bind(position, change.eventId())
        .bind(position + 1, key.toString())
        .bind(position + 2, key.tenant())
        .bind(position + 3, key.service())
        .bind(position + 4, key.env())
        .bind(position + 5, key.version())
        .bind(position + 6, change.action().wireName())
        .bind(position + 7, previous == null ? null : previous.url())
        .bind(position + 8, current.url())
        .bind(position + 9, previous == null ? null : previous.active())
        .bind(position + 10, current.active())
        .bind(position + 11, change.revision())
        .bind(position + 12, change.actor())
        .bind(position + 13, change.correlationId())
        .bind(position + 14, OffsetDateTime.ofInstant(change.occurredAt(), ZoneOffset.UTC));
    return position + 15;
  }
}
