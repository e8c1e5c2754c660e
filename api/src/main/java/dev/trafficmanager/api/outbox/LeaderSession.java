package dev.trafficmanager.api.outbox;

import java.sql.SQLException;
import java.util.Optional;

/**
 * A relay's own database session: the leader lock and the outbox it publishes from live on one
 * session, so the session that publishes is the session that leads, and the failure that ends one
 * ends the other.
 */
interface LeaderSession extends OutboxSource, AutoCloseable {
  /**
   * Takes the leader lock if no other session holds it, or confirms that this one does; the lock is
   * kept until the session ends.
   */
  boolean tryLead() throws SQLException;

  /**
   * Claims the relay lease for a new leadership, right after this session took the leader lock.
   *
   * @return the new leadership's epoch, which the renewals name
   */
  long claimLease() throws SQLException;

  /** The relay lease as it is now; empty before any relay has led. */
  Optional<LeaseMark> lease() throws SQLException;

  /**
   * Ends the session that holds the leader lock, whose lease expired: the server releases the lock
   * once that session has gone.
   *
   * @return how many sessions were ended, 0 or 1
   */
  int endLeaderSession() throws SQLException;

  /** Ends the session, and with it the lock. */
  @Override
  void close();

  /** Opens a new session. */
  @FunctionalInterface
  interface Opener {
    LeaderSession open() throws SQLException;
  }
}
