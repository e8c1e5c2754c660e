package dev.trafficmanager.api.routes;

import dev.trafficmanager.route.RouteKey;
import java.util.List;
import java.util.Optional;

/** One page of routes; {@code next} is the last route's key when more routes follow. */
public record RoutePage(List<Route> items, Optional<RouteKey> next) {
  public RoutePage {
    items = List.copyOf(items);
  }
}
