package dev.trafficmanager.api.routes;

import dev.trafficmanager.route.RouteKey;

/** The write or read names a route that does not exist, or a resolve one that does not resolve. */
public final class RouteNotFoundException extends RuntimeException {
  public RouteNotFoundException(RouteKey key) {
    super("route " + key + " does not exist");
  }

  private RouteNotFoundException(String message) {
    super(message);
  }

  /** A resolve without a version, of a service that has no split in the env. */
  public static RouteNotFoundException noVersion(String split) {
    return new RouteNotFoundException(
        "no version given and " + split + " has no split to pick one by");
  }

  /** Resolve does not tell an unknown route from an inactive one: neither has an endpoint. */
  public static RouteNotFoundException notResolvable(RouteKey key) {
    return new RouteNotFoundException("route " + key + " does not exist or is not active");
  }
}
