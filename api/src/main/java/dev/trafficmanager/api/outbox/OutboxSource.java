package dev.trafficmanager.api.outbox;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * What the relay's publish loop and retention sweep need from the outbox: the relay's own session
 * in production ({@link RelaySession}, whose statements are {@link OutboxStore}'s), an in-memory
 * outbox in unit tests. Every call may throw {@link SQLException} once the session broke.
 */
interface OutboxSource {
  /** From now on, a writer's commit wakes {@link #awaitNotification}. */
  void listen() throws SQLException;

  /**
   * Waits up to {@code timeout} for a writer's notification, returning at once if one arrived since
   * the last call.
   *
   * @return whether a notification arrived
   */
  boolean awaitNotification(Duration timeout) throws SQLException;

  /** The oldest pending rows, at most {@code limit}, in id order. */
  default List<OutboxRow> pending(int limit) throws SQLException {
    return pending(limit, List.of());
  }

  /**
   * The oldest pending rows but {@code inFlight}, at most {@code limit}, in id order: the batch
   * that follows one still in flight, read while it is.
   */
  List<OutboxRow> pending(int limit, List<Long> inFlight) throws SQLException;

  /** Marks the rows published: they are no longer pending. */
  void markPublished(List<Long> ids) throws SQLException;

  /**
   * Deletes at most {@code limit} published rows written longer than {@code retention} ago.
   *
   * @return how many were deleted
   */
  int deletePublishedBefore(Duration retention, int limit) throws SQLException;
}
