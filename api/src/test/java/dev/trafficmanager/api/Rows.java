package dev.trafficmanager.api;

import dev.trafficmanager.event.JsonSerde;
import dev.trafficmanager.event.RouteEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** What a test environment's database holds, read directly for assertions. */
final class Rows {
  private final Jdbi jdbi;
  private final JsonSerde<RouteEvent> serde = new JsonSerde<>(RouteEvent.class);

  Rows(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  long count(String table) {
    return jdbi.withHandle(
        h -> h.createQuery("SELECT count(*) FROM " + table).mapTo(Long.class).one());
  }

  /** The outbox rows of one route in id order, each payload read with the contract's serde. */
  List<OutboxEntry> outbox(String routeKey) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT revision, event_type, correlation_id, payload FROM outbox"
                        + " WHERE route_key = :key ORDER BY id")
                .bind("key", routeKey)
                .map(
                    (rs, ctx) ->
                        new OutboxEntry(
                            rs.getLong("revision"),
                            rs.getString("event_type"),
                            rs.getString("correlation_id"),
                            serde.deserialize(
                                "outbox",
                                rs.getString("payload").getBytes(StandardCharsets.UTF_8))))
                .list());
  }

  record OutboxEntry(long revision, String eventType, String correlationId, RouteEvent event) {}
}
