package dev.trafficmanager.api.outbox;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * The rows waiting in the outbox: how many, and how long the oldest has waited (by the database's
 * clock, zero when none waits). A growing age means events are not reaching Kafka.
 */
public record OutboxBacklog(long pendingRows, Duration oldestPendingAge) {

  /** Reads the backlog in one statement; the partial index on pending rows keeps it cheap. */
  public static OutboxBacklog read(Connection connection) throws SQLException {
    try (Statement st = connection.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT count(*), COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)"
                    + " FROM outbox WHERE published_at IS NULL")) {
      rs.next();
      return new OutboxBacklog(
          rs.getLong(1), Duration.ofMillis(Math.max(0, Math.round(rs.getDouble(2) * 1000))));
    }
  }

  public double oldestPendingAgeSeconds() {
    return oldestPendingAge.toMillis() / 1000.0;
  }
}
