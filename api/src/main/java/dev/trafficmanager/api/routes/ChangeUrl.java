package dev.trafficmanager.api.routes;

import dev.trafficmanager.route.InvalidInputException;
import dev.trafficmanager.route.RouteKey;
import dev.trafficmanager.route.RouteRules;
import java.util.List;
import java.util.Objects;

/** Points an existing route at another URL; the same URL is left alone. */
public record ChangeUrl(RouteKey key, String url) implements RouteCommand {
  public ChangeUrl {
    Objects.requireNonNull(key, "key");
    RouteRules.checkUrl("url", url)
        .ifPresent(
            v -> {
              throw new InvalidInputException(List.of(v));
            });
  }
}
