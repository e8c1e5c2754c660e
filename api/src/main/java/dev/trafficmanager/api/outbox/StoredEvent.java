package dev.trafficmanager.api.outbox;

import java.time.Instant;
import java.util.UUID;

/** One outbox row: an event exactly as the writer committed it, with its payload's bytes. */
public record StoredEvent(
    long id,
    UUID eventId,
    String routeKey,
    long revision,
    String eventType,
    String payload,
    String correlationId,
    Instant createdAt) {}
