package dev.trafficmanager.app.operate.verify;

import dev.trafficmanager.route.CacheEntry;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compares what one route's revisions left at each stage with PostgreSQL's state, and says for each
 * difference whether it is in flight or inconsistent. Pure: the evidence and the groups' offsets
 * are read beforehand, in an order that makes every conclusion sound (see {@link Verifier}).
 *
 * <p>Its revisions are checked on {@code route-events}, {@code route-changes} and in {@code
 * audit_log} by {@link TrailCheck}; {@code routes} and Redis are compared for the route's current
 * revision only, once its change is on {@code route-changes}.
 */
final class RouteCheck {
  private RouteCheck() {}

  static List<Finding> check(RouteEvidence route, Consumption consumption) {
    Findings findings = new Findings(Subject.ROUTE, route.routeKey());
    Map<Long, RecordAt> changes =
        TrailCheck.check(
            route.trail(),
            consumption.processor(),
            consumption.auditLog(),
            Stage.AUDIT_LOG,
            findings);
    RecordAt currentChange = changes.get(route.database().revision());
    if (currentChange != null) {
      checkLatest(route, findings);
      checkCache(route, currentChange, consumption.cacheInvalidation(), findings);
    }
    return findings.list();
  }

  /**
   * The processor writes a change and the route's latest state in one transaction, so once the
   * current revision is on route-changes, routes holds it (or a newer one, written after the
   * snapshot).
   */
  private static void checkLatest(RouteEvidence route, Findings findings) {
    RouteValue database = route.database();
    Optional<RouteValue> latest = route.latest();
    if (latest.isEmpty() || latest.get().revision() < database.revision()) {
      findings.inconsistent(
          database.revision(),
          Stage.ROUTES,
          Problem.DIFFERS,
          "latest is "
              + latest.map(RouteValue::toString).orElse("absent")
              + ", PostgreSQL has "
              + database);
    } else if (latest.get().revision() == database.revision()
        && !latest.get().sameState(database)) {
      findings.inconsistent(
          database.revision(),
          Stage.ROUTES,
          Problem.DIFFERS,
          "latest is " + latest.get() + ", PostgreSQL has " + database);
    }
  }

  /**
   * No entry is always right (the next resolve fills it). An entry of the current revision must
   * answer PostgreSQL's state; an older one is stale once the invalidation consumer has passed the
   * current change, since it deletes every entry older than the change it applies. An entry newer
   * than the snapshot was written after it and is not judged.
   */
  private static void checkCache(
      RouteEvidence route, RecordAt currentChange, CommittedOffsets invalidation, Findings found) {
    if (route.cacheValue().isEmpty()) {
      return;
    }
    RouteValue database = route.database();
    CacheEntry expected = database.cacheEntry();
    CacheEntry entry;
    try {
      entry = CacheEntry.parse(route.cacheValue().get());
    } catch (IllegalArgumentException e) {
      found.inconsistent(
          database.revision(),
          Stage.CACHE,
          Problem.DIFFERS,
          "not a cache entry: " + route.cacheValue().get());
      return;
    }
    if (entry.revision() == database.revision() && !entry.equals(expected)) {
      found.inconsistent(
          database.revision(),
          Stage.CACHE,
          Problem.DIFFERS,
          "answers " + entry.toJson() + ", PostgreSQL " + expected.toJson());
    } else if (entry.revision() < database.revision()) {
      boolean passed = invalidation.passed(currentChange);
      found.add(
          database.revision(),
          Stage.CACHE,
          Problem.STALE,
          passed ? Status.INCONSISTENT : Status.IN_FLIGHT,
          "answers "
              + entry.toJson()
              + ", PostgreSQL "
              + expected.toJson()
              + "; "
              + invalidation.describe(currentChange));
    }
  }
}
