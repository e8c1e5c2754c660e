package dev.trafficmanager.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.trafficmanager.route.RouteKey;
import java.time.Instant;

/** A route's state at one revision: the value of the compacted {@code routes} topic. */
@JsonPropertyOrder({
  "tenant",
  "service",
  "env",
  "version",
  "url",
  "active",
  "revision",
  "updated_at"
})
public record RouteState(
    @JsonProperty(value = "tenant", required = true) String tenant,
    @JsonProperty(value = "service", required = true) String service,
    @JsonProperty(value = "env", required = true) String env,
    @JsonProperty(value = "version", required = true) String version,
    @JsonProperty(value = "url", required = true) String url,
    @JsonProperty(value = "active", required = true) boolean active,
    @JsonProperty(value = "revision", required = true) long revision,
    @JsonProperty(value = "updated_at", required = true) Instant updatedAt)
    implements ChangedState {

  public RouteKey routeKey() {
    return new RouteKey(tenant, service, env, version);
  }
}
