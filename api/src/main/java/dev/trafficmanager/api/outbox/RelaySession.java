package dev.trafficmanager.api.outbox;

import dev.trafficmanager.database.DatabaseSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The relay's own PostgreSQL session: one connection, outside any pool, that holds the leader lock,
 * listens for {@code NOTIFY} and reads, marks and deletes outbox rows with {@link OutboxStore}'s
 * statements.
 *
 * <p>Everything runs on one session on purpose: the lock is session-level, so the session that
 * publishes is the session that leads. When the connection breaks, every call throws {@link
 * SQLException} and the same failure both ends the leadership (the server releases the lock when
 * the session ends) and stops the publishing. Not thread-safe: the relay thread alone uses it.
 */
final class RelaySession implements LeaderSession {
  /**
   * The advisory lock key of the leader, the first eight bytes of "tm-outbo(x)". Advisory locks are
   * per database, so deployments (and tests) with their own database never contend.
   */
  static final long LEADER_LOCK_KEY = 0x746d2d6f7574626fL;

  static final String APPLICATION_NAME = "tm-outbox-relay";

  private final Connection connection;
  private final OutboxStore store;
  private final LeaseStore leases;
  private final String holder;

  private RelaySession(Connection connection, OutboxStore store, LeaseStore leases, String holder) {
    this.connection = connection;
    this.store = store;
    this.leases = leases;
    this.holder = holder;
  }

  /**
   * Connects within the database's connection timeout; statements time out like the pool's.
   *
   * @param holder names this relay in the lease row, for operators
   */
  static RelaySession open(DatabaseSettings db, OutboxStore store, LeaseStore leases, String holder)
      throws SQLException {
    Connection connection = connect(db, APPLICATION_NAME);
    try {
      connection.setAutoCommit(true);
      return new RelaySession(connection, store, leases, holder);
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
  }

  /** A connection of the relay's own, outside any pool, bounded like the pool's. */
  static Connection connect(DatabaseSettings db, String applicationName) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", db.user());
    props.setProperty("password", db.password());
    props.setProperty("ApplicationName", applicationName);
    props.setProperty(
        "connectTimeout", String.valueOf(Math.max(1, db.connectionTimeout().toSeconds())));
    // A dead server must surface as an exception, not a hang: the socket timeout bounds every read
    // (getNotifications sets its own shorter one while it waits).
    props.setProperty(
        "socketTimeout", String.valueOf(Math.max(1, db.statementTimeout().toSeconds() * 2)));
    props.setProperty("tcpKeepAlive", "true");
    props.setProperty("options", "-c statement_timeout=" + db.statementTimeout().toMillis());
    return DriverManager.getConnection(db.url(), props);
  }

  /** Advisory locks are re-entrant: the session that holds the lock takes it again. */
  @Override
  public boolean tryLead() throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
      ps.setLong(1, LEADER_LOCK_KEY);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  @Override
  public long claimLease() throws SQLException {
    return leases.claim(connection, holder);
  }

  @Override
  public Optional<LeaseMark> lease() throws SQLException {
    return leases.read(connection);
  }

  @Override
  public int endLeaderSession() throws SQLException {
    return leases.endHolder(connection, LEADER_LOCK_KEY);
  }

  /** Listens on {@link OutboxStore#CHANNEL}, which writers notify when they commit a row. */
  @Override
  public void listen() throws SQLException {
    try (Statement st = connection.createStatement()) {
      st.execute("LISTEN " + OutboxStore.CHANNEL);
    }
  }

  @Override
  public boolean awaitNotification(Duration timeout) throws SQLException {
    // 0 would mean "block forever" to the driver.
    int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    PGNotification[] notifications = connection.unwrap(PGConnection.class).getNotifications(millis);
    return notifications != null && notifications.length > 0;
  }

  @Override
  public List<OutboxRow> pending(int limit, List<Long> inFlight) throws SQLException {
    return store.pending(connection, limit, inFlight);
  }

  @Override
  public void markPublished(List<Long> ids) throws SQLException {
    store.markPublished(connection, ids);
  }

  @Override
  public int deletePublishedBefore(Duration retention, int limit) throws SQLException {
    return store.deletePublishedBefore(connection, retention, limit);
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
