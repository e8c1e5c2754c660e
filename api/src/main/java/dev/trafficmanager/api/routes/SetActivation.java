package dev.trafficmanager.api.routes;

import dev.trafficmanager.event.Action;
import dev.trafficmanager.route.RouteKey;
import java.util.Objects;

/** Activates or deactivates an existing route; a route already in that state is left alone. */
public record SetActivation(RouteKey key, boolean active) implements RouteCommand {
  public SetActivation {
    Objects.requireNonNull(key, "key");
  }

  Action action() {
    return active ? Action.ACTIVATED : Action.DEACTIVATED;
  }
}
