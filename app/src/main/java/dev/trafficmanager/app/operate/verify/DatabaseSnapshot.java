package dev.trafficmanager.app.operate.verify;

import dev.trafficmanager.api.outbox.OutboxStore;
import dev.trafficmanager.app.operate.progress.Progress;
import dev.trafficmanager.route.RouteKey;
import dev.trafficmanager.split.SplitKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Copies what PostgreSQL had acknowledged at one instant into the {@link EvidenceTables}: every
 * route of the scope with its current revision and state, every split with its current revision (a
 * deleted one too: its revisions went through the pipeline like any other), and the outbox rows
 * that matter (pending ones, and with a {@code since} the ones written since), routes' and splits'
 * alike, read in one repeatable-read transaction, so that routes, splits and outbox are the same
 * snapshot. Rows stream from this connection into the other one's tables as they are read.
 */
final class DatabaseSnapshot {
  private static final int FETCH_SIZE = 5000;

  private static final String IN_SCOPE =
      " WHERE (CAST(? AS text) IS NULL OR tenant = CAST(? AS text))"
          + " AND (CAST(? AS timestamptz) IS NULL OR updated_at >= CAST(? AS timestamptz))";
  private static final String ROUTES =
      "SELECT tenant, service, env, version, url, active, revision FROM routes" + IN_SCOPE;
  private static final String SPLITS =
      "SELECT tenant, service, env, revision FROM splits" + IN_SCOPE;

  private final OutboxStore outbox = new OutboxStore();

  /**
   * @param source a connection of its own, left in auto-commit mode again afterwards
   * @return the instant of the snapshot, by PostgreSQL's clock
   */
  Instant load(Connection source, EvidenceTables tables, VerifyScope scope, Progress progress)
      throws SQLException {
    source.setAutoCommit(false);
    source.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    source.setReadOnly(true);
    try {
      Instant at = now(source);
      try (CopyWriter routes = tables.writer(EvidenceTables.ROUTES, EvidenceTables.ROUTE_COLUMNS)) {
        copyRoutes(source, scope, routes, progress);
      }
      try (CopyWriter splits = tables.writer(EvidenceTables.SPLITS, EvidenceTables.SPLIT_COLUMNS)) {
        copySplits(source, scope, splits);
      }
      try (CopyWriter rows = tables.writer(EvidenceTables.OUTBOX, EvidenceTables.OUTBOX_COLUMNS)) {
        outbox.forEachRevision(
            source,
            scope.since(),
            FETCH_SIZE,
            row -> {
              if (scope.includes(row.routeKey())) {
                rows.row(row.routeKey(), row.revision(), row.pending(), row.createdAt());
              }
            });
      }
      progress.finish();
      return at;
    } finally {
      source.rollback();
      source.setAutoCommit(true);
    }
  }

  /** The transaction's start, which is the snapshot's instant: its first statement takes it. */
  private static Instant now(Connection source) throws SQLException {
    try (Statement st = source.createStatement();
        ResultSet rs = st.executeQuery("SELECT now()")) {
      rs.next();
      return rs.getObject(1, OffsetDateTime.class).toInstant();
    }
  }

  private static void copyRoutes(
      Connection source, VerifyScope scope, CopyWriter routes, Progress progress)
      throws SQLException {
    try (PreparedStatement ps = inScope(source, ROUTES, scope);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        RouteKey key =
            new RouteKey(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4));
        routes.row(key.toString(), rs.getString(5), rs.getBoolean(6), rs.getLong(7));
        progress.update(routes.rows());
      }
    }
  }

  private static void copySplits(Connection source, VerifyScope scope, CopyWriter splits)
      throws SQLException {
    try (PreparedStatement ps = inScope(source, SPLITS, scope);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        SplitKey key = new SplitKey(rs.getString(1), rs.getString(2), rs.getString(3));
        splits.row(key.toString(), rs.getLong(4));
      }
    }
  }

  /** A query of {@link #IN_SCOPE}, bound to the scope's tenant and since. */
  private static PreparedStatement inScope(Connection source, String sql, VerifyScope scope)
      throws SQLException {
    PreparedStatement ps = source.prepareStatement(sql);
    try {
      ps.setFetchSize(FETCH_SIZE);
      String tenant = scope.tenant().orElse(null);
      OffsetDateTime since =
          scope.since().map(t -> OffsetDateTime.ofInstant(t, ZoneOffset.UTC)).orElse(null);
      ps.setString(1, tenant);
      ps.setString(2, tenant);
      ps.setObject(3, since);
      ps.setObject(4, since);
      return ps;
    } catch (SQLException e) {
      ps.close();
      throw e;
    }
  }
}
