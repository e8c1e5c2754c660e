package dev.trafficmanager.api.routes;

import dev.trafficmanager.route.RouteKey;
import java.util.List;
import java.util.Optional;

/**
 * One page of routes; {@code next} is the last route's key when more routes follow. {@code index}
 * is the tenant's change index the page is at (see {@link dev.trafficmanager.api.changes.Indexed}).
 */
public record RoutePage(List<Route> items, Optional<RouteKey> next, long index) {
  public RoutePage {
    items = List.copyOf(items);
  }
}
