package dev.trafficmanager.event;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.OptBoolean;
import dev.trafficmanager.route.RouteKey;
import java.time.Instant;
import java.util.UUID;

/**
 * One change to one route, as written to the outbox and published on {@code route-events}
 * (schema_version 1). {@code revision} counts 1, 2, 3 … per route; consumers use it to drop what
 * they have already applied.
 *
 * <p>{@code index}, when present, is the event's place in its tenant's change history (1, 2, 3 …
 * per tenant, in commit order), which the watch API serves from. It is optional so that events
 * written before it existed still parse; a reader that does not know it ignores it.
 */
@JsonPropertyOrder({
  "schema_version",
  "event_id",
  "event_type",
  "action",
  "tenant",
  "service",
  "env",
  "version",
  "url",
  "active",
  "revision",
  "occurred_at",
  "actor",
  "correlation_id",
  "index"
})
public record RouteEvent(
    @JsonProperty(value = "schema_version", required = true) int schemaVersion,
    @JsonProperty(value = "event_id", required = true) UUID eventId,
    @JsonProperty(value = "event_type", required = true) String eventType,
    @JsonProperty(value = "action", required = true) Action action,
    @JsonProperty(value = "tenant", required = true) String tenant,
    @JsonProperty(value = "service", required = true) String service,
    @JsonProperty(value = "env", required = true) String env,
    @JsonProperty(value = "version", required = true) String version,
    @JsonProperty(value = "url", required = true) String url,
    @JsonProperty(value = "active", required = true) boolean active,
    @JsonProperty(value = "revision", required = true) long revision,
    @JsonProperty(value = "occurred_at", required = true) Instant occurredAt,
    @JsonProperty(value = "actor", required = true) String actor,
    @JsonProperty(value = "correlation_id", required = true) String correlationId,
    // Injected as null when absent: the contract's mapper fails on a missing creator property, and
    // events written before the index existed have none.
    @JsonProperty("index")
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @JacksonInject(
            value = "dev.trafficmanager.event.index",
            useInput = OptBoolean.TRUE,
            optional = OptBoolean.TRUE)
        Long index)
    implements Event {

  public static final int SCHEMA_VERSION = 1;
  public static final String EVENT_TYPE = "route_changed";

  /**
   * A schema_version 1 {@code route_changed} event for the state a write left behind, without a
   * change index.
   */
  public static RouteEvent of(
      UUID eventId,
      Action action,
      RouteState state,
      Instant occurredAt,
      String actor,
      String correlationId) {
    return of(eventId, action, state, occurredAt, actor, correlationId, null);
  }

  /**
   * A schema_version 1 {@code route_changed} event for the state a write left behind, at {@code
   * index} in its tenant's change history (null: none).
   */
  public static RouteEvent of(
      UUID eventId,
      Action action,
      RouteState state,
      Instant occurredAt,
      String actor,
      String correlationId,
      Long index) {
    return new RouteEvent(
        SCHEMA_VERSION,
        eventId,
        EVENT_TYPE,
        action,
        state.tenant(),
        state.service(),
        state.env(),
        state.version(),
        state.url(),
        state.active(),
        state.revision(),
        occurredAt,
        actor,
        correlationId,
        index);
  }

  /** This event at {@code index} in its tenant's change history. */
  public RouteEvent withIndex(long index) {
    return new RouteEvent(
        schemaVersion,
        eventId,
        eventType,
        action,
        tenant,
        service,
        env,
        version,
        url,
        active,
        revision,
        occurredAt,
        actor,
        correlationId,
        index);
  }

  public RouteKey routeKey() {
    return new RouteKey(tenant, service, env, version);
  }

  /** The route's state right after this event. */
  public RouteState state() {
    return new RouteState(tenant, service, env, version, url, active, revision, occurredAt);
  }
}
