package dev.trafficmanager.api.outbox;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Which stored events to read back: outbox rows created in {@code [from, to)}, of one tenant's
 * routes (those whose key starts with {@code <tenant>/}) or of all. A range whose {@code from} is
 * not before {@code to}, or whose tenant is no valid name, holds nothing.
 */
public record EventRange(Instant from, Instant to, Optional<String> tenant) {
  public EventRange {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(tenant, "tenant");
  }

  /** {@code from 2026-11-26T10:00:00Z to 2026-11-26T11:00:00Z, tenant acme}. */
  public String describe() {
    return "from " + from + " to " + to + tenant.map(t -> ", tenant " + t).orElse(", all tenants");
  }
}
