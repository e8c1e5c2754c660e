package dev.trafficmanager.api.outbox;

import java.time.Instant;

/**
 * Where one outbox row stands: which revision of which route it carries, and whether the relay has
 * yet to publish it.
 */
public record OutboxRevision(String routeKey, long revision, boolean pending, Instant createdAt) {}
