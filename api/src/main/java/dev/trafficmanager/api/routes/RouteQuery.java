package dev.trafficmanager.api.routes;

import dev.trafficmanager.route.InvalidInputException;
import dev.trafficmanager.route.RouteKey;
import dev.trafficmanager.route.RouteRules;
import dev.trafficmanager.route.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A page request over one tenant's routes, optionally narrowed to a service and/or env, resuming
 * after the route {@code after} (exclusive) when given.
 */
public record RouteQuery(
    String tenant,
    Optional<String> service,
    Optional<String> env,
    int limit,
    Optional<RouteKey> after) {
  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 500;

  /** Throws {@link InvalidInputException} naming every field that breaks its rule. */
  public RouteQuery {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(env, "env");
    Objects.requireNonNull(after, "after");
    List<Violation> violations = new ArrayList<>();
    RouteRules.checkName("tenant", tenant).ifPresent(violations::add);
    service.flatMap(s -> RouteRules.checkName("service", s)).ifPresent(violations::add);
    env.flatMap(e -> RouteRules.checkName("env", e)).ifPresent(violations::add);
    if (limit < 1 || limit > MAX_LIMIT) {
      violations.add(new Violation("limit", "must be from 1 to " + MAX_LIMIT));
    }
    if (!violations.isEmpty()) {
      throw new InvalidInputException(violations);
    }
  }
}
