package dev.trafficmanager.health;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The health of one component ({@code postgresql}, {@code redis}, {@code kafka}, a consumer…) with
 * details for operators: plain values (strings, numbers, booleans) that serialise to JSON as they
 * are. The detail map keeps the order it was given in.
 */
public record ComponentHealth(String name, HealthStatus status, Map<String, Object> detail) {
  public ComponentHealth {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(status, "status");
    detail = Collections.unmodifiableMap(new LinkedHashMap<>(detail));
  }

  public static ComponentHealth up(String name) {
    return new ComponentHealth(name, HealthStatus.UP, Map.of());
  }

  public static ComponentHealth degraded(String name, String reason) {
    return new ComponentHealth(name, HealthStatus.DEGRADED, Map.of("reason", reason));
  }

  public static ComponentHealth down(String name, String reason) {
    return new ComponentHealth(name, HealthStatus.DOWN, Map.of("reason", reason));
  }

  /** The same health under another name. */
  public ComponentHealth named(String newName) {
    return newName.equals(name) ? this : new ComponentHealth(newName, status, detail);
  }

  /** {@code {"name": …, "status": "up", …detail}}: the shape health endpoints serve. */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("name", name);
    map.put("status", status.name().toLowerCase(Locale.ROOT));
    map.putAll(detail);
    return map;
  }
}
