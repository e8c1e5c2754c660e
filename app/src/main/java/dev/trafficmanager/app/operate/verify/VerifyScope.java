package dev.trafficmanager.app.operate.verify;

import dev.trafficmanager.route.InvalidInputException;
import dev.trafficmanager.route.RouteKey;
import dev.trafficmanager.split.SplitKey;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What to check.
 *
 * @param tenant only this tenant's routes and splits, or all
 * @param since only routes and splits changed at or after this time, and of them only the revisions
 *     written since (those whose outbox rows were created since; the latest one when the outbox no
 *     longer holds any); topics are read from their first record at or after it
 */
public record VerifyScope(Optional<String> tenant, Optional<Instant> since) {
  public VerifyScope {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(since, "since");
  }

  /** Every route and split, every revision. */
  public static VerifyScope everything() {
    return new VerifyScope(Optional.empty(), Optional.empty());
  }

  /**
   * Whether a record key, a route's or a split's, belongs to the scope's tenant; a key that is
   * neither never does.
   */
  boolean includes(String key) {
    Optional<String> keyTenant = tenantOf(key);
    return keyTenant.isPresent() && (tenant.isEmpty() || keyTenant.equals(tenant));
  }

  private static Optional<String> tenantOf(String key) {
    try {
      return Optional.of(RouteKey.parse(key).tenant());
    } catch (InvalidInputException notARoute) {
      try {
        return Optional.of(SplitKey.parse(key).tenant());
      } catch (InvalidInputException neither) {
        return Optional.empty();
      }
    }
  }
}
