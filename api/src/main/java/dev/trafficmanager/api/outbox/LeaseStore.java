package dev.trafficmanager.api.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Every statement on the {@code relay_lease} row and the leader lock's holder. Stateless; each
 * method runs on the caller's connection.
 */
final class LeaseStore {
  private static final String CLAIM =
      "INSERT INTO relay_lease (id, epoch, holder, renewals, renewed_at)"
          + " VALUES (1, 1, ?, 0, now())"
          + " ON CONFLICT (id) DO UPDATE SET epoch = relay_lease.epoch + 1,"
          + " holder = EXCLUDED.holder, renewals = 0, renewed_at = now()"
          + " RETURNING epoch";

  private static final String RENEW =
      "UPDATE relay_lease SET renewals = renewals + 1, renewed_at = now()"
          + " WHERE id = 1 AND epoch = ?";

  // A bigint advisory key shows in pg_locks as its high half in classid, its low half in objid
  // and objsubid 1. The holder is any other backend of this database holding it.
  private static final String END_HOLDER =
      "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_locks"
          + " WHERE locktype = 'advisory' AND granted AND objsubid = 1"
          + " AND classid::bigint = ? AND objid::bigint = ?"
          + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
          + " AND pid <> pg_backend_pid()";

  /**
   * Starts a new leadership: the lease's next epoch, which makes every renewal of the one before
   * fail. Called by the session that has just taken the leader lock.
   */
  long claim(Connection connection, String holder) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(CLAIM)) {
      ps.setString(1, holder);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /**
   * Renews the lease of {@code epoch}.
   *
   * @return false when another leadership has claimed the lease since
   */
  boolean renew(Connection connection, long epoch) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(RENEW)) {
      ps.setLong(1, epoch);
      return ps.executeUpdate() == 1;
    }
  }

  /** The lease as it is now; empty before any relay has led. */
  Optional<LeaseMark> read(Connection connection) throws SQLException {
    try (PreparedStatement ps =
            connection.prepareStatement("SELECT epoch, renewals FROM relay_lease WHERE id = 1");
        ResultSet rs = ps.executeQuery()) {
      return rs.next()
          ? Optional.of(new LeaseMark(rs.getLong(1), rs.getLong(2)))
          : Optional.empty();
    }
  }

  /**
   * Ends the session that holds the leader lock {@code key} (not the caller's): the server then
   * releases the lock, and the holder's next statement fails, so it stops leading.
   *
   * @return how many sessions were ended, 0 or 1
   */
  int endHolder(Connection connection, long key) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(END_HOLDER)) {
      ps.setLong(1, key >>> 32);
      ps.setLong(2, key & 0xffffffffL);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
