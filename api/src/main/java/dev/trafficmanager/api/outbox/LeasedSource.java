package dev.trafficmanager.api.outbox;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * The leader's outbox, read only while its {@link Tenure} is held: every batch begins with {@link
 * #pending}, so a leader whose lease lapsed (it was frozen, or could not renew) publishes nothing
 * more and steps down. A batch already read when the lease lapsed is the Kafka transaction's to
 * stop: the next leader's producer has the same transactional id, so its initialisation fences this
 * one and the batch's commit fails.
 */
final class LeasedSource implements OutboxSource {
  private final OutboxSource outbox;
  private final Tenure tenure;

  LeasedSource(OutboxSource outbox, Tenure tenure) {
    this.outbox = outbox;
    this.tenure = tenure;
  }

  @Override
  public void listen() throws SQLException {
    outbox.listen();
  }

  @Override
  public boolean awaitNotification(Duration timeout) throws SQLException {
    return outbox.awaitNotification(timeout);
  }

  @Override
  public List<OutboxRow> pending(int limit, List<Long> inFlight) throws SQLException {
    if (!tenure.held()) {
      throw new LeaseLapsedException();
    }
    return outbox.pending(limit, inFlight);
  }

  @Override
  public void markPublished(List<Long> ids) throws SQLException {
    // What Kafka acknowledged is published, whoever leads now: marking it is true either way.
    outbox.markPublished(ids);
  }

  @Override
  public int deletePublishedBefore(Duration retention, int limit) throws SQLException {
    return outbox.deletePublishedBefore(retention, limit);
  }
}
