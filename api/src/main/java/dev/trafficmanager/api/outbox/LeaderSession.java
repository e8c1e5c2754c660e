package dev.trafficmanager.api.outbox;

import java.sql.SQLException;

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

  /** Ends the session, and with it the lock. */
  @Override
  void close();

  /** Opens a new session. */
  @FunctionalInterface
  interface Opener {
    LeaderSession open() throws SQLException;
  }
}
