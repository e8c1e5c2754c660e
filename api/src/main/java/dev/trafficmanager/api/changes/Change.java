package dev.trafficmanager.api.changes;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.trafficmanager.event.Action;
import dev.trafficmanager.event.ChangedState;
import dev.trafficmanager.event.RouteState;
import dev.trafficmanager.event.SplitState;
import java.time.Instant;

/**
 * One change of a tenant's history as the watch API serves it: its index, the route's (or split's)
 * revision and its state before ({@code previous}, null for its first revision) and after. A
 * route's change names it by {@code route_key}; a split's ({@code split_changed}) by {@code
 * split_key}, with split states.
 */
@JsonPropertyOrder({
  "index",
  "action",
  "route_key",
  "split_key",
  "revision",
  "previous",
  "current",
  "occurred_at"
})
public record Change(
    @JsonProperty("index") long index,
    @JsonProperty("action") Action action,
    @JsonIgnore String key,
    @JsonProperty("revision") long revision,
    @JsonProperty("previous") @JsonInclude(JsonInclude.Include.ALWAYS) ChangedState previous,
    @JsonProperty("current") ChangedState current,
    @JsonProperty("occurred_at") Instant occurredAt) {

  /** The route's key, for a route's change. */
  @JsonProperty("route_key")
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public String routeKey() {
    return current instanceof RouteState ? key : null;
  }

  /** The split's key, for a split's change. */
  @JsonProperty("split_key")
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public String splitKey() {
    return current instanceof SplitState ? key : null;
  }

  /** Whether the change is of the given service and env (empty: any). */
  @JsonIgnore
  public boolean matches(ChangeFilter filter) {
    return filter.service().map(current.service()::equals).orElse(true)
        && filter.env().map(current.env()::equals).orElse(true);
  }
}
