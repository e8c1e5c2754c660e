package dev.trafficmanager.api.database;

import dev.trafficmanager.database.DatabaseFailures;
import dev.trafficmanager.resilience.Dependency;
import dev.trafficmanager.resilience.Resilience;
import java.util.Objects;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/**
 * The API's PostgreSQL: a {@link Jdbi} whose every call runs through the process's {@code
 * postgresql} circuit breaker and retry budget ({@link Resilience#call}).
 *
 * <ul>
 *   <li>While the breaker is open a call fails at once with {@link
 *       io.github.resilience4j.circuitbreaker.CallNotPermittedException}, without asking the pool
 *       for a connection.
 *   <li>A failure that says PostgreSQL is {@link DatabaseFailures#isUnreachable unreachable} (the
 *       breaker's rule, {@link DatabaseFailures#OUTAGE}, which the process hands to its {@link
 *       Resilience}) is recorded on the breaker and retried with backoff while attempts and the
 *       retry budget last; then the last failure is thrown.
 *   <li>Any other failure propagates at once and the breaker ignores it: not found, conflict,
 *       constraint, and also a database that is reachable but busy (a statement timeout, a
 *       deadlock, a lock not available). One route's held row lock or one slow query must not open
 *       the circuit for every tenant, and retrying a statement that timed out only holds a
 *       connection and a bulkhead place for longer. The caller answers those 503 too.
 * </ul>
 *
 * A transaction retried after a transient failure runs again from the start. The route writes are
 * safe to run again: each re-reads its route under the row lock, so a first attempt that did commit
 * (its acknowledgement lost with the connection) makes the retry find nothing to change.
 */
public final class Database {
  private final Jdbi jdbi;
  private final Resilience resilience;

  public Database(Jdbi jdbi, Resilience resilience) {
    this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    this.resilience = Objects.requireNonNull(resilience, "resilience");
  }

  /** Runs {@code callback} on a handle of its own, outside a transaction. */
  public <T> T withHandle(HandleCallback<T, RuntimeException> callback) {
    return resilience.call(Dependency.DATABASE, () -> jdbi.withHandle(callback));
  }

  /**
   * Runs {@code callback} in one transaction, committed if it returns, rolled back if it throws.
   */
  public <T> T inTransaction(HandleCallback<T, RuntimeException> callback) {
    return resilience.call(Dependency.DATABASE, () -> jdbi.inTransaction(callback));
  }
}
