package dev.trafficmanager.api.outbox;

import java.util.UUID;

/** One pending row of the {@code outbox} table, as the relay publishes it. */
record OutboxRow(
    long id,
    UUID eventId,
    String routeKey,
    long revision,
    String eventType,
    String payload,
    String correlationId) {}
