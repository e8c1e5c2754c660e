package dev.trafficmanager.api.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One row of the audit trail as the audit API returns it: what one revision of one route ({@link
 * Route}) or of one split ({@link Split}) changed, who asked, under which correlation id, when it
 * happened and when the audit-log consumer recorded it. A route's entry names it by {@code
 * route_key}, a split's by {@code split_key} (action {@code split_changed}), as the watch API does.
 * {@code previous} is null for the first revision.
 */
public sealed interface AuditEntry {
  UUID eventId();

  long revision();

  Instant occurredAt();

  /** Where this entry sits in time order, for the next page's cursor. */
  default AuditPosition position() {
    return new AuditPosition(occurredAt(), eventId());
  }

  /** One revision of one route, from {@code audit_log}. */
  @JsonPropertyOrder({
    "event_id",
    "route_key",
    "tenant",
    "service",
    "env",
    "version",
    "action",
    "previous",
    "current",
    "revision",
    "actor",
    "correlation_id",
    "occurred_at",
    "processed_at"
  })
  record Route(
      @JsonProperty("event_id") UUID eventId,
      @JsonProperty("route_key") String routeKey,
      @JsonProperty("tenant") String tenant,
      @JsonProperty("service") String service,
      @JsonProperty("env") String env,
      @JsonProperty("version") String version,
      @JsonProperty("action") String action,
      @JsonProperty("previous") @JsonInclude(JsonInclude.Include.ALWAYS) State previous,
      @JsonProperty("current") State current,
      @JsonProperty("revision") long revision,
      @JsonProperty("actor") String actor,
      @JsonProperty("correlation_id") String correlationId,
      @JsonProperty("occurred_at") Instant occurredAt,
      @JsonProperty("processed_at") Instant processedAt)
      implements AuditEntry {

    /** A route's URL and activation before or after the change. */
    @JsonPropertyOrder({"url", "active"})
    public record State(@JsonProperty("url") String url, @JsonProperty("active") boolean active) {}
  }

  /** One revision of one split, from {@code split_audit_log}. */
  @JsonPropertyOrder({
    "event_id",
    "split_key",
    "tenant",
    "service",
    "env",
    "action",
    "previous",
    "current",
    "revision",
    "actor",
    "correlation_id",
    "occurred_at",
    "processed_at"
  })
  record Split(
      @JsonProperty("event_id") UUID eventId,
      @JsonProperty("split_key") String splitKey,
      @JsonProperty("tenant") String tenant,
      @JsonProperty("service") String service,
      @JsonProperty("env") String env,
      @JsonProperty("action") String action,
      @JsonProperty("previous") @JsonInclude(JsonInclude.Include.ALWAYS) Weights previous,
      @JsonProperty("current") Weights current,
      @JsonProperty("revision") long revision,
      @JsonProperty("actor") String actor,
      @JsonProperty("correlation_id") String correlationId,
      @JsonProperty("occurred_at") Instant occurredAt,
      @JsonProperty("processed_at") Instant processedAt)
      implements AuditEntry {

    /** A split's weights by version, in name order, before or after the change; empty: deleted. */
    public record Weights(@JsonProperty("weights") Map<String, Integer> weights) {
      public Weights {
        weights = Collections.unmodifiableMap(new TreeMap<>(weights));
      }
    }
  }
}
