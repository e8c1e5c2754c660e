package dev.trafficmanager.api.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.UUID;

/**
 * One row of the audit trail as the audit API returns it: what one revision of one route changed,
 * who asked, under which correlation id, when it happened and when the audit-log consumer recorded
 * it. {@code previous} is null for a route's first revision.
 */
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
public record AuditEntry(
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
    @JsonProperty("processed_at") Instant processedAt) {

  /** A route's URL and activation before or after the change. */
  @JsonPropertyOrder({"url", "active"})
  public record State(@JsonProperty("url") String url, @JsonProperty("active") boolean active) {}

  /** Where this entry sits in time order, for the next page's cursor. */
  public AuditPosition position() {
    return new AuditPosition(occurredAt, eventId);
  }
}
