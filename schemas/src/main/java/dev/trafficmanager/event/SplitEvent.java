package dev.trafficmanager.event;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.OptBoolean;
import dev.trafficmanager.split.SplitKey;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One change to one split (schema_version 2, {@code event_type} {@code split_changed}), published
 * on {@code route-events} keyed by {@code tenant/service/env}. {@code weights} is the split after
 * the change, by version; empty when the split was deleted. {@code revision} counts 1, 2, 3 … per
 * split, across deletes, so consumers drop what they have already applied.
 *
 * <p>A reader of schema_version 1 tells these apart by the {@code event-type} header or by {@code
 * schema_version}, and skips them: see the README's "The event contract".
 */
@JsonPropertyOrder({
  "schema_version",
  "event_id",
  "event_type",
  "action",
  "tenant",
  "service",
  "env",
  "weights",
  "revision",
  "occurred_at",
  "actor",
  "correlation_id",
  "index"
})
public record SplitEvent(
    @JsonProperty(value = "schema_version", required = true) int schemaVersion,
    @JsonProperty(value = "event_id", required = true) UUID eventId,
    @JsonProperty(value = "event_type", required = true) String eventType,
    @JsonProperty(value = "action", required = true) Action action,
    @JsonProperty(value = "tenant", required = true) String tenant,
    @JsonProperty(value = "service", required = true) String service,
    @JsonProperty(value = "env", required = true) String env,
    @JsonProperty(value = "weights", required = true) Map<String, Integer> weights,
    @JsonProperty(value = "revision", required = true) long revision,
    @JsonProperty(value = "occurred_at", required = true) Instant occurredAt,
    @JsonProperty(value = "actor", required = true) String actor,
    @JsonProperty(value = "correlation_id", required = true) String correlationId,
    @JsonProperty("index")
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @JacksonInject(
            value = "dev.trafficmanager.event.index",
            useInput = OptBoolean.TRUE,
            optional = OptBoolean.TRUE)
        Long index)
    implements Event {

  public static final int SCHEMA_VERSION = 2;
  public static final String EVENT_TYPE = "split_changed";

  public SplitEvent {
    weights = weights == null ? null : Collections.unmodifiableMap(new TreeMap<>(weights));
  }

  /**
   * A split_changed event for the split as a write left it (empty weights: deleted), without a
   * change index (the outbox takes it: {@link #withIndex}).
   */
  public static SplitEvent of(
      UUID eventId, SplitState state, Instant occurredAt, String actor, String correlationId) {
    return new SplitEvent(
        SCHEMA_VERSION,
        eventId,
        EVENT_TYPE,
        Action.SPLIT_CHANGED,
        state.tenant(),
        state.service(),
        state.env(),
        state.weights(),
        state.revision(),
        occurredAt,
        actor,
        correlationId,
        null);
  }

  /** This event at {@code index} in its tenant's change history. */
  public SplitEvent withIndex(long index) {
    return new SplitEvent(
        schemaVersion,
        eventId,
        eventType,
        action,
        tenant,
        service,
        env,
        weights,
        revision,
        occurredAt,
        actor,
        correlationId,
        index);
  }

  public SplitKey splitKey() {
    return new SplitKey(tenant, service, env);
  }

  /** The split's state right after this event. */
  public SplitState state() {
    return new SplitState(tenant, service, env, weights, revision, occurredAt);
  }
}
