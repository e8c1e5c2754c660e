package dev.trafficmanager.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.trafficmanager.split.SplitKey;
import java.time.Instant;
import java.util.UUID;

/**
 * One processed revision of one split, as published on {@code route-changes} (schema_version 2,
 * header {@code event-type: split_changed}) keyed by {@code tenant/service/env}: exactly one record
 * per revision, in revision order per split. {@code previous} is absent for a split's first
 * revision; a deleted split's {@code current} has no weights.
 */
@JsonPropertyOrder({
  "schema_version",
  "event_id",
  "action",
  "split_key",
  "revision",
  "previous",
  "current",
  "occurred_at",
  "actor",
  "correlation_id"
})
public record SplitChange(
    @JsonProperty(value = "schema_version", required = true) int schemaVersion,
    @JsonProperty(value = "event_id", required = true) UUID eventId,
    @JsonProperty(value = "action", required = true) Action action,
    @JsonProperty(value = "split_key", required = true) String splitKey,
    @JsonProperty(value = "revision", required = true) long revision,
    @JsonProperty("previous") @JsonInclude(JsonInclude.Include.ALWAYS) SplitState previous,
    @JsonProperty(value = "current", required = true) SplitState current,
    @JsonProperty(value = "occurred_at", required = true) Instant occurredAt,
    @JsonProperty(value = "actor", required = true) String actor,
    @JsonProperty(value = "correlation_id", required = true) String correlationId) {

  /** The change an event makes to a split whose last applied state was {@code previous}. */
  public static SplitChange of(SplitEvent event, SplitState previous) {
    return new SplitChange(
        SplitEvent.SCHEMA_VERSION,
        event.eventId(),
        event.action(),
        event.splitKey().toString(),
        event.revision(),
        previous,
        event.state(),
        event.occurredAt(),
        event.actor(),
        event.correlationId());
  }

  public SplitKey key() {
    return SplitKey.parse(splitKey);
  }
}
