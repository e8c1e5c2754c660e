package dev.trafficmanager.consumers.audit;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.ConnectionException;

/**
 * Which PostgreSQL failures are an outage of the database, and which are the fault of the row
 * written. Both look through the causes of what Jdbi throws to the SQL state PostgreSQL sent.
 */
public final class DatabaseFailures {
  // SQL state classes and codes that describe the server or the connection, not the statement:
  // connection exception, insufficient resources, operator intervention (shutdown, crash, cannot
  // connect now, statement timeout), serialization failure, deadlock, lock not available.
  private static final List<String> OUTAGE_STATES =
      List.of("08", "53", "57P01", "57P02", "57P03", "57014", "40001", "40P01", "55P03");

  // Data exception and integrity constraint violation: the same row fails the same way again.
  private static final List<String> ROW_STATES = List.of("22", "23");

  private DatabaseFailures() {}

  /**
   * True when PostgreSQL is unreachable, out of connections or resources, shutting down, or timed
   * the statement out — when a later attempt of the same statement may succeed.
   */
  public static boolean isTransient(RuntimeException failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConnectionException
          || t instanceof SQLTransientException
          || t instanceof SQLRecoverableException) {
        return true;
      }
      if (sqlState(t).filter(state -> startsWithAny(state, OUTAGE_STATES)).isPresent()) {
        return true;
      }
    }
    return false;
  }

  /** True when PostgreSQL rejected the row itself: bad data or a violated constraint. */
  public static boolean isRowRejected(RuntimeException failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (sqlState(t).filter(state -> startsWithAny(state, ROW_STATES)).isPresent()) {
        return true;
      }
    }
    return false;
  }

  private static Optional<String> sqlState(Throwable t) {
    return t instanceof SQLException sql
        ? Optional.ofNullable(sql.getSQLState())
        : Optional.empty();
  }

  private static boolean startsWithAny(String state, List<String> prefixes) {
    return prefixes.stream().anyMatch(state::startsWith);
  }
}
