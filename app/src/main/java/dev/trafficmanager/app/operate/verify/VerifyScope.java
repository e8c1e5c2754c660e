package dev.trafficmanager.app.operate.verify;

import dev.trafficmanager.route.InvalidInputException;
import dev.trafficmanager.route.RouteKey;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What to check.
 *
 * @param tenant only this tenant's routes, or all
 * @param since only routes changed at or after this time, and of them only the revisions written
 *     since (those whose outbox rows were created since; the latest one when the outbox no longer
 *     holds any); topics are read from their first record at or after it
 */
public record VerifyScope(Optional<String> tenant, Optional<Instant> since) {
  public VerifyScope {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(since, "since");
  }

  /** Every route, every revision. */
  public static VerifyScope everything() {
    return new VerifyScope(Optional.empty(), Optional.empty());
  }

  /**
   * Whether a record key belongs to the scope's tenant; a key that is no route key never does: a
   * split's ({@code tenant/service/env}, schema_version 2) is not verified yet.
   */
  boolean includes(String routeKey) {
    try {
      RouteKey key = RouteKey.parse(routeKey);
      return tenant.isEmpty() || key.tenant().equals(tenant.get());
    } catch (InvalidInputException e) {
      return false;
    }
  }
}
