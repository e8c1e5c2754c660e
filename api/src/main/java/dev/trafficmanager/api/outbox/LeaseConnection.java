package dev.trafficmanager.api.outbox;

import dev.trafficmanager.database.DatabaseSettings;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The renewal thread's own connection, opened when first needed and again after a failure: apart
 * from the leader's session, whose thread may be busy with Kafka. Not thread-safe: the renewal
 * thread alone uses it.
 */
final class LeaseConnection implements LeaseHeartbeat.Renewals {
  static final String APPLICATION_NAME = "tm-outbox-relay-lease";

  private final DatabaseSettings db;
  private final LeaseStore store;
  private Connection connection;

  LeaseConnection(DatabaseSettings db, LeaseStore store) {
    this.db = db;
    this.store = store;
  }

  @Override
  public boolean renew(long epoch) throws SQLException {
    if (connection == null) {
      connection = RelaySession.connect(db, APPLICATION_NAME);
    }
    return store.renew(connection, epoch);
  }

  @Override
  public void close() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        // Being dropped either way; a broken connection cannot close cleanly.
      }
      connection = null;
    }
  }
}
