package dev.trafficmanager.api.audit;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A place in the audit trail's time order (newest first): by when the event occurred, ties broken
 * by event id, the order of the {@code audit_log} indexes.
 */
public record AuditPosition(Instant occurredAt, UUID eventId) {
  public AuditPosition {
    Objects.requireNonNull(occurredAt, "occurredAt");
    Objects.requireNonNull(eventId, "eventId");
  }
}
