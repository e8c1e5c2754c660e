package dev.trafficmanager.route;

import java.util.Objects;

/**
 * The message published on {@link CacheKeys#invalidations()} after a route's Redis entry was
 * deleted: the route, and the revision that made every cached answer of an older revision stale.
 * Its text is {@code tenant/service/env/version revision}, e.g. {@code acme/billing/prod/v1 7}.
 */
public record RouteInvalidation(RouteKey route, long revision) {
  private static final char SEPARATOR = ' ';

  /**
   * @throws IllegalArgumentException unless the revision is positive (a route's first revision is
   *     1)
   */
  public RouteInvalidation {
    Objects.requireNonNull(route, "route");
    if (revision < 1) {
      throw new IllegalArgumentException("revision must be positive: " + revision);
    }
  }

  public String toMessage() {
    return route.toString() + SEPARATOR + revision;
  }

  /**
   * Reads a message written by {@link #toMessage()}.
   *
   * @throws IllegalArgumentException when the text is not a route key and a positive revision
   */
  public static RouteInvalidation parse(String message) {
    int separator = message == null ? -1 : message.lastIndexOf(SEPARATOR);
    if (separator < 0) {
      throw new IllegalArgumentException("invalidation is not 'route revision': " + message);
    }
    try {
      return new RouteInvalidation(
          RouteKey.parse(message.substring(0, separator)),
          Long.parseLong(message.substring(separator + 1)));
    } catch (InvalidInputException | NumberFormatException e) {
      throw new IllegalArgumentException("invalidation is not 'route revision': " + message, e);
    }
  }
}
