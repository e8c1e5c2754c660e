package dev.trafficmanager.split;

import dev.trafficmanager.route.InvalidInputException;
import dev.trafficmanager.route.RouteRules;
import dev.trafficmanager.route.Violation;
import java.util.ArrayList;
import java.util.List;

/**
 * Identifies a split: {@code tenant/service/env}, the Kafka record key of its events and changes.
 * Three parts, so it never equals a route key (four) on the topics they share.
 */
public record SplitKey(String tenant, String service, String env) {
  private static final char SEPARATOR = '/';

  /** Validates every part, throwing one exception that names each field that breaks the rule. */
  public SplitKey {
    List<Violation> violations = new ArrayList<>();
    RouteRules.checkName("tenant", tenant).ifPresent(violations::add);
    RouteRules.checkName("service", service).ifPresent(violations::add);
    RouteRules.checkName("env", env).ifPresent(violations::add);
    if (!violations.isEmpty()) {
      throw new InvalidInputException(violations);
    }
  }

  /** Parses the string form produced by {@link #toString()}. */
  public static SplitKey parse(String key) {
    int first = key == null ? -1 : key.indexOf(SEPARATOR);
    int second = first < 0 ? -1 : key.indexOf(SEPARATOR, first + 1);
    if (second < 0 || key.indexOf(SEPARATOR, second + 1) >= 0) {
      throw new InvalidInputException("split_key", "must be tenant/service/env");
    }
    return new SplitKey(
        key.substring(0, first), key.substring(first + 1, second), key.substring(second + 1));
  }

  @Override
  public String toString() {
    return tenant + SEPARATOR + service + SEPARATOR + env;
  }
}
