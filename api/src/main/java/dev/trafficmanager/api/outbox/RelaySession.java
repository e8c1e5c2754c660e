package dev.trafficmanager.api.outbox;

import dev.trafficmanager.config.DatabaseSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The relay's own PostgreSQL session: one connection, outside any pool, that holds the leader lock,
 * listens for {@code NOTIFY} and reads and marks outbox rows.
 *
 * <p>Everything runs on one session on purpose: the lock is session-level, so the session that
 * publishes is the session that leads. When the connection breaks, every call throws {@link
 * SQLException} and the same failure both ends the leadership (the server releases the lock when
 * the session ends) and stops the publishing. Not thread-safe: the relay thread alone uses it.
 */
final class RelaySession implements AutoCloseable {
  /**
   * The advisory lock key of the leader, the first eight bytes of "tm-outbo(x)". Advisory locks are
   * per database, so deployments (and tests) with their own database never contend.
   */
  static final long LEADER_LOCK_KEY = 0x746d2d6f7574626fL;

  static final String APPLICATION_NAME = "tm-outbox-relay";

  private final Connection connection;

  private RelaySession(Connection connection) {
    this.connection = connection;
  }

  /** Connects within the database's connection timeout; statements time out like the pool's. */
  static RelaySession open(DatabaseSettings db) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", db.user());
    props.setProperty("password", db.password());
    props.setProperty("ApplicationName", APPLICATION_NAME);
    props.setProperty(
        "connectTimeout", String.valueOf(Math.max(1, db.connectionTimeout().toSeconds())));
    // A dead server must surface as an exception, not a hang: the socket timeout bounds every read
    // (getNotifications sets its own shorter one while it waits).
    props.setProperty(
        "socketTimeout", String.valueOf(Math.max(1, db.statementTimeout().toSeconds() * 2)));
    props.setProperty("tcpKeepAlive", "true");
    props.setProperty("options", "-c statement_timeout=" + db.statementTimeout().toMillis());
    Connection connection = DriverManager.getConnection(db.url(), props);
    try {
      connection.setAutoCommit(true);
      return new RelaySession(connection);
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
  }

  /** Takes the leader lock if no other session holds it; keeps it until this session ends. */
  boolean tryLead() throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
      ps.setLong(1, LEADER_LOCK_KEY);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  /**
   * @param channel a constant SQL identifier (it cannot be a bind parameter)
   */
  void listen(String channel) throws SQLException {
    try (Statement st = connection.createStatement()) {
      st.execute("LISTEN " + channel);
    }
  }

  /**
   * Waits up to {@code timeout} for a notification on a channel this session listens to, returning
   * at once if some arrived since the last call.
   *
   * @return whether any notification arrived
   */
  boolean awaitNotification(Duration timeout) throws SQLException {
    // 0 would mean "block forever" to the driver.
    int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    PGNotification[] notifications = connection.unwrap(PGConnection.class).getNotifications(millis);
    return notifications != null && notifications.length > 0;
  }

  /** The session's connection, for the outbox statements of {@link OutboxStore}. */
  Connection connection() {
    return connection;
  }

  /** Ends the session; the server releases the leader lock with it. */
  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      // The session is being abandoned either way; a broken connection cannot close cleanly.
    }
  }
}
