package dev.trafficmanager.api.routes;

import dev.trafficmanager.route.InvalidInputException;
import dev.trafficmanager.route.RouteKey;
import dev.trafficmanager.route.RouteRules;
import java.util.List;
import java.util.Objects;

/**
 * Creates an active route at revision 1. Repeating it with the same URL changes nothing; with
 * another URL it is a conflict.
 */
public record CreateRoute(RouteKey key, String url) implements RouteCommand {
  public CreateRoute {
    Objects.requireNonNull(key, "key");
    RouteRules.checkUrl("url", url)
        .ifPresent(
            v -> {
              throw new InvalidInputException(List.of(v));
            });
  }
}
