package dev.trafficmanager.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.trafficmanager.route.RouteKey;
import java.time.Instant;
import java.util.UUID;

/**
 * One processed revision of one route, as published on {@code route-changes}: exactly one record
 * per revision, in revision order per route. {@code previous} is absent for a route's first
 * revision.
 */
@JsonPropertyOrder({
  "schema_version",
  "event_id",
  "action",
  "route_key",
  "revision",
  "previous",
  "current",
  "occurred_at",
  "actor",
  "correlation_id"
})
public record RouteChange(
    @JsonProperty(value = "schema_version", required = true) int schemaVersion,
    @JsonProperty(value = "event_id", required = true) UUID eventId,
    @JsonProperty(value = "action", required = true) Action action,
    @JsonProperty(value = "route_key", required = true) String routeKey,
    @JsonProperty(value = "revision", required = true) long revision,
    @JsonProperty("previous") @JsonInclude(JsonInclude.Include.ALWAYS) RouteState previous,
    @JsonProperty(value = "current", required = true) RouteState current,
    @JsonProperty(value = "occurred_at", required = true) Instant occurredAt,
    @JsonProperty(value = "actor", required = true) String actor,
    @JsonProperty(value = "correlation_id", required = true) String correlationId) {

  /** The change an event makes to a route whose last applied state was {@code previous}. */
  public static RouteChange of(RouteEvent event, RouteState previous) {
    return new RouteChange(
        RouteEvent.SCHEMA_VERSION,
        event.eventId(),
        event.action(),
        event.routeKey().toString(),
        event.revision(),
        previous,
        event.state(),
        event.occurredAt(),
        event.actor(),
        event.correlationId());
  }

  public RouteKey key() {
    return RouteKey.parse(routeKey);
  }
}
