package dev.trafficmanager.database;

import dev.trafficmanager.resilience.Dependency;
import dev.trafficmanager.resilience.OutageRule;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;
import java.util.List;
import java.util.Optional;

/**
 * The one classification of PostgreSQL failures, shared by every service so that a failure means
 * the same to the API's breaker and 503s as to a consumer's pause-and-replay. Each test looks
 * through the whole cause chain of what Jdbi, HikariCP or the driver threw to the SQL state
 * PostgreSQL sent.
 *
 * <ul>
 *   <li><b>Unreachable</b>: no connection could be had or the one in use broke, or the server is
 *       shutting down or starting up.
 *   <li><b>Transient</b>: unreachable, or reachable but unable to finish this statement now — out
 *       of resources, the statement timed out, a deadlock or serialization failure, a lock not
 *       available. A later attempt of the same statement may succeed: the API answers 503 rather
 *       than 500, and a consumer pauses and replays rather than dead-letter the record. Only
 *       unreachable counts against the breaker ({@link #OUTAGE}).
 *   <li><b>Row rejected</b>: bad data or a violated constraint; the same row fails the same way
 *       again, and the database's health has nothing to do with it.
 * </ul>
 */
public final class DatabaseFailures {
  /**
   * PostgreSQL's rule for its circuit breaker and retries: only {@link #isUnreachable unreachable}
   * is an outage. A reachable but busy database (a statement timeout, a deadlock, a lock not
   * available) is transient for the caller, who answers 503 or replays the record, but one held row
   * lock or one slow query must not open the circuit for every caller of the process.
   *
   * <p>Of the outages, one that {@link #waitedForAConnection waited for a connection} is not
   * retried: the pool spent its whole connection timeout trying to connect, so a retry would only
   * make the caller wait as long again. A request against a database that is down is answered after
   * one such wait (and at most two quick retries of connections that broke), not three.
   */
  public static final OutageRule OUTAGE =
      new OutageRule(
          Dependency.DATABASE,
          DatabaseFailures::isUnreachable,
          failure -> !waitedForAConnection(failure));

  // Connection exception, admin shutdown, crash shutdown, cannot connect now.
  private static final List<String> UNREACHABLE_STATES = List.of("08", "57P01", "57P02", "57P03");

  // Insufficient resources, statement timeout (query canceled), serialization failure, deadlock,
  // lock not available.
  private static final List<String> BUSY_STATES = List.of("53", "57014", "40001", "40P01", "55P03");

  // Data exception and integrity constraint violation.
  private static final List<String> ROW_STATES = List.of("22", "23");

  private DatabaseFailures() {}

  /** True when PostgreSQL cannot be reached now: no connection, a broken one, or no server. */
  public static boolean isUnreachable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException || t instanceof SQLRecoverableException) {
        return true;
      }
      if (hasState(t, UNREACHABLE_STATES)) {
        return true;
      }
    }
    return false;
  }

  /**
   * True when the failure is the pool's: no connection within its connection timeout, however many
   * times it tried to open one meanwhile (HikariCP's {@link SQLTransientConnectionException}).
   */
  public static boolean waitedForAConnection(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException) {
        return true;
      }
    }
    return false;
  }

  /** True when a later attempt of the same statement may succeed. */
  public static boolean isTransient(Throwable failure) {
    if (isUnreachable(failure)) {
      return true;
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientException || hasState(t, BUSY_STATES)) {
        return true;
      }
    }
    return false;
  }

  /** True when PostgreSQL rejected the row itself: bad data or a violated constraint. */
  public static boolean isRowRejected(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (hasState(t, ROW_STATES)) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasState(Throwable t, List<String> prefixes) {
    return sqlState(t).filter(state -> prefixes.stream().anyMatch(state::startsWith)).isPresent();
  }

  private static Optional<String> sqlState(Throwable t) {
    return t instanceof SQLException sql
        ? Optional.ofNullable(sql.getSQLState())
        : Optional.empty();
  }
}
