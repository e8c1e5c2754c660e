package dev.trafficmanager.api.changes;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.trafficmanager.event.Action;
import dev.trafficmanager.event.RouteState;
import java.time.Instant;

/**
 * One change of a tenant's history as the watch API serves it: its index, the route's revision and
 * its state before ({@code previous}, null for a create) and after.
 */
@JsonPropertyOrder({
  "index",
  "action",
  "route_key",
  "revision",
  "previous",
  "current",
  "occurred_at"
})
public record Change(
    @JsonProperty("index") long index,
    @JsonProperty("action") Action action,
    @JsonProperty("route_key") String routeKey,
    @JsonProperty("revision") long revision,
    @JsonProperty("previous") @JsonInclude(JsonInclude.Include.ALWAYS) RouteState previous,
    @JsonProperty("current") RouteState current,
    @JsonProperty("occurred_at") Instant occurredAt) {

  /** Whether the change is of the given service and env (empty: any). */
  @JsonIgnore
  public boolean matches(ChangeFilter filter) {
    return filter.service().map(current.service()::equals).orElse(true)
        && filter.env().map(current.env()::equals).orElse(true);
  }
}
