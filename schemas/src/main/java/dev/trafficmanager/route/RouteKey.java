package dev.trafficmanager.route;

import java.util.ArrayList;
import java.util.List;

/**
 * Identifies a route: {@code tenant/service/env/version}. Its string form is the Kafka record key
 * on every topic and the basis of the Redis key.
 */
public record RouteKey(String tenant, String service, String env, String version) {
  private static final String SEPARATOR = "/";

  /** Validates every part, throwing one exception that names each field that breaks the rule. */
  public RouteKey {
    List<Violation> violations = new ArrayList<>();
    RouteRules.checkName("tenant", tenant).ifPresent(violations::add);
    RouteRules.checkName("service", service).ifPresent(violations::add);
    RouteRules.checkName("env", env).ifPresent(violations::add);
    RouteRules.checkName("version", version).ifPresent(violations::add);
    if (!violations.isEmpty()) {
      throw new InvalidInputException(violations);
    }
  }

  /** Parses the string form produced by {@link #toString()}. */
  public static RouteKey parse(String key) {
    String[] parts = key == null ? new String[0] : key.split(SEPARATOR, -1);
    if (parts.length != 4) {
      throw new InvalidInputException("route_key", "must be tenant/service/env/version");
    }
    return new RouteKey(parts[0], parts[1], parts[2], parts[3]);
  }

  @Override
  public String toString() {
    return String.join(SEPARATOR, tenant, service, env, version);
  }
}
