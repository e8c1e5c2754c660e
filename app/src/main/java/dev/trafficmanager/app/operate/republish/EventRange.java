package dev.trafficmanager.app.operate.republish;

import dev.trafficmanager.route.RouteRules;
import dev.trafficmanager.route.Violation;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Which stored events to republish: outbox rows created in {@code [from, to)}, of one tenant or of
 * all. Building one throws {@link IllegalArgumentException} when {@code from} is not before {@code
 * to} or the tenant is not a valid name.
 */
public record EventRange(Instant from, Instant to, Optional<String> tenant) {
  public EventRange {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(tenant, "tenant");
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("--from " + from + " must be before --to " + to);
    }
    tenant
        .flatMap(t -> RouteRules.checkName("tenant", t))
        .map(Violation::toString)
        .ifPresent(
            violation -> {
              throw new IllegalArgumentException("--tenant: " + violation);
            });
  }

  /** {@code from 2026-11-26T10:00:00Z to 2026-11-26T11:00:00Z, tenant acme}. */
  public String describe() {
    return "from " + from + " to " + to + tenant.map(t -> ", tenant " + t).orElse(", all tenants");
  }
}
