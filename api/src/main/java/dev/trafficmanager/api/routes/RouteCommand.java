package dev.trafficmanager.api.routes;

import dev.trafficmanager.route.RouteKey;

/** A write to one route. Each is applied in one transaction under the route's row lock. */
public sealed interface RouteCommand permits CreateRoute, SetActivation, ChangeUrl {
  RouteKey key();
}
