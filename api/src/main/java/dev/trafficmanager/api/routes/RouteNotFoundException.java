package dev.trafficmanager.api.routes;

import dev.trafficmanager.route.RouteKey;

/** The write or read names a route that does not exist. */
public final class RouteNotFoundException extends RuntimeException {
  public RouteNotFoundException(RouteKey key) {
    super("route " + key + " does not exist");
  }
}
