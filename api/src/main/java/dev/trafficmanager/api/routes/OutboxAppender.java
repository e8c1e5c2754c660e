package dev.trafficmanager.api.routes;

import dev.trafficmanager.api.outbox.OutboxRelay;
import dev.trafficmanager.event.JsonSerde;
import dev.trafficmanager.event.RouteEvent;
import java.nio.charset.StandardCharsets;
import org.jdbi.v3.core.Handle;

/**
 * Appends a route's event to the transactional outbox in the writer's transaction and wakes the
 * relay. The payload is the contract serde's own bytes, so downstream reads exactly the contract.
 */
final class OutboxAppender {
  private final JsonSerde<RouteEvent> serde = new JsonSerde<>(RouteEvent.class);

  void append(Handle handle, RouteEvent event) {
    handle
        .createUpdate(
            "INSERT INTO outbox (event_id, route_key, revision, event_type, payload,"
                + " correlation_id) VALUES (:event_id, :route_key, :revision, :event_type,"
                + " :payload, :correlation_id)")
        .bind("event_id", event.eventId())
        .bind("route_key", event.routeKey().toString())
        .bind("revision", event.revision())
        .bind("event_type", event.eventType())
        .bind("payload", new String(serde.serialize(null, event), StandardCharsets.UTF_8))
        .bind("correlation_id", event.correlationId())
        .execute();
    // Delivered only when the transaction commits, so the relay never wakes for a rolled-back row.
    handle.execute("NOTIFY " + OutboxRelay.CHANNEL);
  }
}
