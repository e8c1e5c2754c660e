package dev.trafficmanager.event;

import java.time.Instant;
import java.util.UUID;

/**
 * What every event on {@code route-events} carries, whatever it changed: a route ({@link
 * RouteEvent}, schema_version 1) or a split ({@link SplitEvent}, schema_version 2).
 */
public sealed interface Event permits RouteEvent, SplitEvent {
  int schemaVersion();

  UUID eventId();

  String eventType();

  Action action();

  String tenant();

  String service();

  String env();

  long revision();

  Instant occurredAt();

  String actor();

  String correlationId();

  /** The event's place in its tenant's change history; null on events written before it. */
  Long index();
}
