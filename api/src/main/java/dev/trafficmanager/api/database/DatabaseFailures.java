package dev.trafficmanager.api.database;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/** Tells failures that mean "PostgreSQL cannot be reached now" from every other failure. */
public final class DatabaseFailures {
  private DatabaseFailures() {}

  /**
   * True when the pool could not hand out a connection in time, or PostgreSQL broke the connection
   * (SQLState class 08) or is shutting down or starting up (57P01 to 57P03), anywhere in the cause
   * chain. Constraint violations, bad input, conflicts and bugs are never transient: they say
   * nothing about the database's health and another attempt would fail the same way.
   */
  public static boolean isTransient(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException) {
        return true;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        if (state.startsWith("08")
            || state.equals("57P01")
            || state.equals("57P02")
            || state.equals("57P03")) {
          return true;
        }
      }
    }
    return false;
  }
}
