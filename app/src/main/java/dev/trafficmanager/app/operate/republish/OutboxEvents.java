package dev.trafficmanager.app.operate.republish;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Reads published events back from the {@code outbox} table. Rows are selected by {@code
 * created_at} and, for one tenant, by the prefix {@code <tenant>/} of their route key, and read in
 * id order, which within one route is revision order.
 *
 * <p>Rows are streamed through a server-side cursor, a fetch at a time, never all in memory; the
 * connection is the caller's, and this class turns its auto-commit off for the cursor's sake.
 */
public final class OutboxEvents {
  private static final String RANGE =
      " FROM outbox WHERE created_at >= ? AND created_at < ?"
          + " AND (CAST(? AS text) IS NULL OR starts_with(route_key, CAST(? AS text)))";
  // A row is pending while the relay's queue holds its id; the relay itself publishes those.
  private static final String PENDING =
      " EXISTS (SELECT 1 FROM outbox_queue q WHERE q.id = outbox.id)";

  private final Connection connection;
  private final int fetchSize;

  /**
   * @param fetchSize rows fetched per round trip
   */
  public OutboxEvents(Connection connection, int fetchSize) {
    this.connection = Objects.requireNonNull(connection, "connection");
    this.fetchSize = fetchSize;
  }

  /** How many rows of the range are published and pending, and the oldest row of the outbox. */
  public RangeCount count(EventRange range) throws SQLException {
    long published;
    long pending;
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT count(*) FILTER (WHERE NOT"
                + PENDING
                + "), count(*) FILTER (WHERE"
                + PENDING
                + ")"
                + RANGE)) {
      bind(ps, range);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        published = rs.getLong(1);
        pending = rs.getLong(2);
      }
    }
    Optional<Instant> oldest;
    try (PreparedStatement ps = connection.prepareStatement("SELECT min(created_at) FROM outbox");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      oldest =
          Optional.ofNullable(rs.getObject(1, OffsetDateTime.class)).map(OffsetDateTime::toInstant);
    }
    return new RangeCount(published, pending, oldest);
  }

  /**
   * Hands each published row of the range to {@code action}, in id order, until it returns false.
   *
   * @return the rows handed over
   */
  public long forEach(EventRange range, Predicate<StoredEvent> action) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    // PostgreSQL's driver streams a result set through a cursor only inside a transaction.
    connection.setAutoCommit(false);
    long handed = 0;
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT id, event_id, route_key, revision, event_type, payload, correlation_id,"
                + " created_at"
                + RANGE
                + " AND NOT"
                + PENDING
                + " ORDER BY id")) {
      ps.setFetchSize(fetchSize);
      bind(ps, range);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          handed++;
          if (!action.test(read(rs))) {
            break;
          }
        }
      }
    } finally {
      connection.rollback();
      connection.setAutoCommit(autoCommit);
    }
    return handed;
  }

  private static void bind(PreparedStatement ps, EventRange range) throws SQLException {
    ps.setObject(1, OffsetDateTime.ofInstant(range.from(), ZoneOffset.UTC));
    ps.setObject(2, OffsetDateTime.ofInstant(range.to(), ZoneOffset.UTC));
    String prefix = range.tenant().map(t -> t + "/").orElse(null);
    ps.setString(3, prefix);
    ps.setString(4, prefix);
  }

  private static StoredEvent read(ResultSet rs) throws SQLException {
    return new StoredEvent(
        rs.getLong("id"),
        rs.getObject("event_id", UUID.class),
        rs.getString("route_key"),
        rs.getLong("revision"),
        rs.getString("event_type"),
        rs.getString("payload"),
        rs.getString("correlation_id"),
        rs.getObject("created_at", OffsetDateTime.class).toInstant());
  }
}
