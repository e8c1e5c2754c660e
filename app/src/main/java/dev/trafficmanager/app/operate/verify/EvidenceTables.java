package dev.trafficmanager.app.operate.verify;

import dev.trafficmanager.api.outbox.OutboxStore.RowAction;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The spill of {@code verify}: temporary tables, in the session of one connection, that hold the
 * snapshot of PostgreSQL and what the topics held, keyed by route or split key (the two never
 * collide: four parts against three), so that they are compared key by key with PostgreSQL doing
 * the sorting and joining on disk, and the JVM holding one batch of routes at a time, however many
 * routes there are. PostgreSQL drops them when the connection closes.
 */
final class EvidenceTables {
  static final String ROUTES = "verify_route";
  static final String SPLITS = "verify_split";
  static final String OUTBOX = "verify_outbox";
  static final String EVENTS = "verify_event";
  static final String CHANGES = "verify_change";
  static final String STATES = "verify_state";

  static final String ROUTE_COLUMNS = "route_key, url, active, revision";
  // route_key: a split's key in SPLITS; a route's or a split's in OUTBOX, EVENTS and CHANGES.
  static final String SPLIT_COLUMNS = "route_key, revision";
  static final String OUTBOX_COLUMNS = "route_key, revision, pending, created_at";
  static final String RECORD_COLUMNS = "route_key, revision, partition_id, record_offset";
  static final String STATE_COLUMNS =
      "route_key, url, active, revision, partition_id, record_offset";

  /** The columns of {@link #trail}, in order, before any a query adds. */
  private static final int TRAIL_COLUMNS = 11;

  // One row per route of the snapshot with everything the other tables and the audit log hold for
  // it: each lateral subquery is an index lookup by route key.
  private static final String ROUTE_EVIDENCE =
      evidence(
          ROUTES,
          "audit_log",
          "route_key",
          ", r.url, r.active, st.url, st.active, st.revision",
          " LEFT JOIN LATERAL (SELECT s.url, s.active, s.revision FROM "
              + STATES
              + " s WHERE s.route_key = r.route_key"
              + " ORDER BY s.partition_id DESC, s.record_offset DESC LIMIT 1) st ON true");

  // One row per split of the snapshot, likewise; a split has no state on a topic of its own.
  private static final String SPLIT_EVIDENCE =
      evidence(SPLITS, "split_audit_log", "split_key", "", "");

  /**
   * The evidence query over one table of the snapshot ({@code r}) and its audit table, whose key
   * column is {@code auditKey}: the {@link #TRAIL_COLUMNS} of {@link #trail}, then {@code columns},
   * with {@code joins}.
   */
  private static String evidence(
      String snapshot, String audit, String auditKey, String columns, String joins) {
    String checked = "BETWEEN r.first_revision AND r.revision";
    return "SELECT r.route_key, r.revision, r.first_revision,"
        + " ARRAY(SELECT o.revision FROM "
        + OUTBOX
        + " o WHERE o.route_key = r.route_key AND o.pending ORDER BY o.revision),"
        + " ev.revisions, ev.partitions, ev.offsets, ch.revisions, ch.partitions, ch.offsets,"
        + " ARRAY(SELECT a.revision FROM "
        + audit
        + " a WHERE a."
        + auditKey
        + " = r.route_key AND a.revision "
        + checked
        + " ORDER BY a.revision)"
        + columns
        + " FROM "
        + snapshot
        + " r"
        + " LEFT JOIN LATERAL ("
        + positions("e")
        + " FROM "
        + EVENTS
        + " e WHERE e.route_key = r.route_key AND e.revision "
        + checked
        + ") ev ON true"
        + " LEFT JOIN LATERAL ("
        + positions("c")
        + " FROM "
        + CHANGES
        + " c WHERE c.route_key = r.route_key) ch ON true"
        + joins
        + " ORDER BY r.route_key";
  }

  private final Connection connection;

  /**
   * @param connection the session the tables live in; the caller closes it
   */
  EvidenceTables(Connection connection) {
    this.connection = connection;
  }

  private static String positions(String alias) {
    String order = " ORDER BY " + alias + ".partition_id, " + alias + ".record_offset)";
    return "SELECT array_agg("
        + alias
        + ".revision"
        + order
        + " AS revisions, array_agg("
        + alias
        + ".partition_id"
        + order
        + " AS partitions, array_agg("
        + alias
        + ".record_offset"
        + order
        + " AS offsets";
  }

  void create() throws SQLException {
    execute(
        "CREATE TEMP TABLE "
            + ROUTES
            + " (route_key text PRIMARY KEY, url text NOT NULL, active boolean NOT NULL,"
            + " revision bigint NOT NULL, first_revision bigint NOT NULL DEFAULT 1)",
        "CREATE TEMP TABLE "
            + SPLITS
            + " (route_key text PRIMARY KEY, revision bigint NOT NULL,"
            + " first_revision bigint NOT NULL DEFAULT 1)",
        "CREATE TEMP TABLE "
            + OUTBOX
            + " (route_key text NOT NULL, revision bigint NOT NULL, pending boolean NOT NULL,"
            + " created_at timestamptz NOT NULL)",
        recordTable(EVENTS),
        recordTable(CHANGES),
        "CREATE TEMP TABLE "
            + STATES
            + " (route_key text NOT NULL, url text NOT NULL, active boolean NOT NULL,"
            + " revision bigint NOT NULL, partition_id integer NOT NULL,"
            + " record_offset bigint NOT NULL)");
  }

  private static String recordTable(String name) {
    return "CREATE TEMP TABLE "
        + name
        + " (route_key text NOT NULL, revision bigint NOT NULL, partition_id integer NOT NULL,"
        + " record_offset bigint NOT NULL)";
  }

  /** A writer into one of the tables; the connection does nothing else until it is closed. */
  CopyWriter writer(String table, String columns) throws SQLException {
    return new CopyWriter(connection, table, columns);
  }

  /**
   * Indexes the outbox snapshot and, with a {@code since}, sets each route's and split's first
   * revision to check: the lowest written since (by its outbox row), or the current one when the
   * outbox no longer holds any of them.
   */
  void snapshotLoaded(Optional<Instant> since) throws SQLException {
    execute("CREATE INDEX ON " + OUTBOX + " (route_key, revision)", "ANALYZE " + OUTBOX);
    for (String snapshot : List.of(ROUTES, SPLITS)) {
      if (since.isPresent()) {
        try (PreparedStatement ps =
            connection.prepareStatement(
                "UPDATE "
                    + snapshot
                    + " r SET first_revision = COALESCE((SELECT min(o.revision) FROM "
                    + OUTBOX
                    + " o WHERE o.route_key = r.route_key AND o.created_at >= ?), r.revision)")) {
          ps.setObject(1, OffsetDateTime.ofInstant(since.get(), ZoneOffset.UTC));
          ps.executeUpdate();
        }
      }
      execute("ANALYZE " + snapshot);
    }
  }

  /** Indexes what the topics held, for the lookups by route key. */
  void topicsLoaded() throws SQLException {
    execute(
        "CREATE INDEX ON " + EVENTS + " (route_key, partition_id, record_offset)",
        "CREATE INDEX ON " + CHANGES + " (route_key, partition_id, record_offset)",
        "CREATE INDEX ON " + STATES + " (route_key, partition_id, record_offset)",
        "ANALYZE " + EVENTS,
        "ANALYZE " + CHANGES,
        "ANALYZE " + STATES);
  }

  /**
   * Hands each route's evidence, without its cache entry, to {@code action} in route key order,
   * streamed through a cursor {@code fetchSize} routes at a time. The audit log is read as this
   * statement starts.
   */
  long forEachRoute(int fetchSize, RowAction<RouteEvidence> action) throws SQLException {
    return forEach(ROUTE_EVIDENCE, fetchSize, rs -> action.accept(routeEvidence(rs)));
  }

  /**
   * Hands each split's trail to {@code action} in split key order, streamed likewise. The split
   * audit log is read as this statement starts.
   */
  long forEachSplit(int fetchSize, RowAction<RevisionTrail> action) throws SQLException {
    return forEach(SPLIT_EVIDENCE, fetchSize, rs -> action.accept(trail(rs)));
  }

  private long forEach(String query, int fetchSize, RowAction<ResultSet> action)
      throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    // PostgreSQL's driver streams a result set through a cursor only inside a transaction.
    connection.setAutoCommit(false);
    long rows = 0;
    try (PreparedStatement ps = connection.prepareStatement(query)) {
      ps.setFetchSize(fetchSize);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows++;
          action.accept(rs);
        }
      }
    } finally {
      connection.rollback();
      connection.setAutoCommit(autoCommit);
    }
    return rows;
  }

  /** The {@link #TRAIL_COLUMNS} every evidence query starts with. */
  private static RevisionTrail trail(ResultSet rs) throws SQLException {
    return new RevisionTrail(
        rs.getString(1),
        rs.getLong(2),
        rs.getLong(3),
        longs(rs.getArray(4)),
        records(rs, 5),
        records(rs, 8),
        longs(rs.getArray(11)));
  }

  private static RouteEvidence routeEvidence(ResultSet rs) throws SQLException {
    RevisionTrail trail = trail(rs);
    int column = TRAIL_COLUMNS;
    String url = rs.getString(column + 3);
    Optional<RouteValue> latest =
        url == null
            ? Optional.empty()
            : Optional.of(new RouteValue(url, rs.getBoolean(column + 4), rs.getLong(column + 5)));
    return new RouteEvidence(
        trail,
        new RouteValue(rs.getString(column + 1), rs.getBoolean(column + 2), trail.revision()),
        latest,
        Optional.empty());
  }

  /** The records of three parallel arrays (revisions, partitions, offsets) from {@code column}. */
  private static List<RecordAt> records(ResultSet rs, int column) throws SQLException {
    List<Long> revisions = longs(rs.getArray(column));
    List<Long> partitions = longs(rs.getArray(column + 1));
    List<Long> offsets = longs(rs.getArray(column + 2));
    List<RecordAt> records = new ArrayList<>(revisions.size());
    for (int i = 0; i < revisions.size(); i++) {
      records.add(
          new RecordAt(revisions.get(i), Math.toIntExact(partitions.get(i)), offsets.get(i)));
    }
    return records;
  }

  /** An SQL array of integers (null: none) as longs. */
  private static List<Long> longs(Array array) throws SQLException {
    if (array == null) {
      return List.of();
    }
    try {
      Object[] values = (Object[]) array.getArray();
      List<Long> longs = new ArrayList<>(values.length);
      for (Object value : values) {
        longs.add(((Number) value).longValue());
      }
      return longs;
    } finally {
      array.free();
    }
  }

  private void execute(String... statements) throws SQLException {
    try (Statement st = connection.createStatement()) {
      for (String sql : statements) {
        st.execute(sql);
      }
    }
  }
}
