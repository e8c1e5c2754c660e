package dev.trafficmanager.api.outbox;

import java.sql.SQLException;

/**
 * The leader's lease lapsed before it read its next batch: it must stop leading, as when its
 * session breaks, because a standby may already lead.
 */
final class LeaseLapsedException extends SQLException {
  private static final long serialVersionUID = 1L;

  LeaseLapsedException() {
    super("the outbox relay's lease lapsed: another relay may lead");
  }
}
