package dev.trafficmanager.api.routes;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.trafficmanager.event.RouteState;
import dev.trafficmanager.route.RouteKey;
import java.time.Instant;

/** A route as stored in PostgreSQL, the source of truth, and as the API returns it. */
@JsonPropertyOrder({
  "tenant",
  "service",
  "env",
  "version",
  "url",
  "active",
  "revision",
  "created_at",
  "updated_at"
})
public record Route(
    @JsonProperty("tenant") String tenant,
    @JsonProperty("service") String service,
    @JsonProperty("env") String env,
    @JsonProperty("version") String version,
    @JsonProperty("url") String url,
    @JsonProperty("active") boolean active,
    @JsonProperty("revision") long revision,
    @JsonProperty("created_at") Instant createdAt,
    @JsonProperty("updated_at") Instant updatedAt) {

  @JsonIgnore
  public RouteKey key() {
    return new RouteKey(tenant, service, env, version);
  }

  /** The state an event about this revision carries. */
  @JsonIgnore
  public RouteState state() {
    return new RouteState(tenant, service, env, version, url, active, revision, updatedAt);
  }
}
