package dev.trafficmanager.api.routes;

import dev.trafficmanager.route.RouteKey;

/** A create names a route that already exists with another URL. */
public final class RouteConflictException extends RuntimeException {
  public RouteConflictException(RouteKey key) {
    super("route " + key + " already exists with another url");
  }
}
