package dev.trafficmanager.consumers.audit;

import dev.trafficmanager.consumers.runner.BatchResult;
import dev.trafficmanager.consumers.runner.ChangeHandler;
import dev.trafficmanager.consumers.runner.NonRetriableException;
import dev.trafficmanager.database.DatabaseFailures;
import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.event.RouteState;
import dev.trafficmanager.event.SplitChange;
import dev.trafficmanager.route.RouteKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends each change to the PostgreSQL {@code audit_log} table (migration V2): who changed which
 * route, how (action, previous and new URL and state), at which revision, when it happened and when
 * it was recorded ({@code processed_at}, the database's clock).
 *
 * <p>Split changes (schema_version 2) go to {@code split_audit_log} instead ({@link
 * SplitAuditLog}).
 *
 * <p>A batch is one {@code INSERT ... SELECT FROM unnest(...)} (up to {@value #MAX_ROWS} rows a
 * statement), atomic: all of its rows or none. Idempotent in the table itself: {@code event_id} is
 * its primary key and {@code (route_key, revision)} is unique, and the insert does nothing on
 * either conflict, so a replayed or duplicated change never doubles a row. When the database blames
 * a row (a data exception or a violated constraint), the statement as a whole is refused; the batch
 * is then inserted change by change to find that row: the changes before it are applied, and it
 * fails as a {@link NonRetriableException}. Every other failure (an outage) applies nothing of the
 * statement and is returned as it is, for the runner to retry. Thread-safe (Jdbi opens a handle per
 * call).
 */
public final class AuditLogHandler implements ChangeHandler {
  static final int MAX_ROWS = 1_000;

  private static final Logger log = LoggerFactory.getLogger(AuditLogHandler.class);

  // One statement text whatever the batch size: each column is bound as one array and unnested,
  // so the server parses and plans it once and the driver binds 15 parameters, not 15 per row.
  private static final String INSERT =
      """
      INSERT INTO audit_log (
          event_id, route_key, tenant, service, env, version, action,
          previous_url, new_url, previous_active, new_active,
          revision, actor, correlation_id, occurred_at)
      SELECT * FROM unnest(
          ?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
          ?::text[], ?::text[], ?::boolean[], ?::boolean[],
          ?::bigint[], ?::text[], ?::text[], ?::timestamptz[])
      ON CONFLICT DO NOTHING
      """;

  private final Jdbi jdbi;
  private final SplitAuditLog splits;

  /**
   * @param jdbi on a database migrated by {@code Migrations.migrate}, with the PostgreSQL plugin
   *     installed (UUIDs bound natively)
   */
  public AuditLogHandler(Jdbi jdbi) {
    this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    this.splits = new SplitAuditLog(jdbi);
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

  /** Split changes go to {@code split_audit_log} ({@link SplitAuditLog}). */
  @Override
  public BatchResult applySplits(List<SplitChange> changes) {
    return splits.apply(changes);
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
    return jdbi.withHandle(
        handle -> {
          Connection connection = handle.getConnection();
          try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            Columns columns = new Columns(rows.size());
            rows.forEach(columns::add);
            columns.bind(connection, insert);
            return insert.executeUpdate();
          } catch (SQLException e) {
            throw new UnableToExecuteStatementException(e, null);
          }
        });
  }

  /** The batch's rows as one array per column. */
  private static final class Columns {
    private final String[][] text;
    private final Boolean[][] flags;
    private final Long[] revisions;
    private int row;

    Columns(int rows) {
      text = new String[12][rows];
      flags = new Boolean[2][rows];
      revisions = new Long[rows];
    }

    void add(RouteChange change) {
      RouteKey key = change.key();
      RouteState previous = change.previous();
      RouteState current = change.current();
      String[] values = {
        change.eventId().toString(),
        key.toString(),
        key.tenant(),
        key.service(),
        key.env(),
        key.version(),
        change.action().wireName(),
        previous == null ? null : previous.url(),
        current.url(),
        change.actor(),
        change.correlationId(),
        change.occurredAt().toString()
      };
      for (int column = 0; column < values.length; column++) {
        text[column][row] = values[column];
      }
      flags[0][row] = previous == null ? null : previous.active();
      flags[1][row] = current.active();
      revisions[row] = change.revision();
      row++;
    }

    void bind(Connection connection, PreparedStatement insert) throws SQLException {
      int parameter = 1;
      for (int column = 0; column < 9; column++) {
        insert.setArray(parameter++, connection.createArrayOf("text", text[column]));
      }
      insert.setArray(parameter++, connection.createArrayOf("bool", flags[0]));
      insert.setArray(parameter++, connection.createArrayOf("bool", flags[1]));
      insert.setArray(parameter++, connection.createArrayOf("int8", revisions));
      for (int column = 9; column < 12; column++) {
        insert.setArray(parameter++, connection.createArrayOf("text", text[column]));
      }
    }
  }
}
