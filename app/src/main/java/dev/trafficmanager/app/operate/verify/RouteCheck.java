package dev.trafficmanager.app.operate.verify;

import dev.trafficmanager.route.CacheEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Compares what one route's revisions left at each stage with PostgreSQL's state, and says for each
 * difference whether it is in flight or inconsistent. Pure: the evidence and the groups' offsets
 * are read beforehand, in an order that makes every conclusion sound (see {@link Verifier}).
 *
 * <p>A revision missing at a stage is reported once, at the first stage it has not reached, and
 * only as in flight while the stage before has not passed it on: pending in the outbox for {@code
 * route-events}, its event not consumed by the processor for {@code route-changes}, its change not
 * consumed by the audit-log consumer for {@code audit_log}. {@code routes} and Redis are compared
 * for the route's current revision only, once its change is on {@code route-changes}. Duplicates
 * and order are checked on {@code route-changes} and in the audit log, where the contract is
 * exactly once; {@code route-events} is at least once.
 */
final class RouteCheck {
  private RouteCheck() {}

  static List<Finding> check(RouteEvidence route, Consumption consumption) {
    Findings findings = new Findings(route.routeKey());
    Map<Long, RecordAt> events = firstByRevision(route.events());
    Map<Long, RecordAt> changes = changesInOrder(route, findings);
    Map<Long, Integer> audit = auditRows(route, findings);
    long current = route.database().revision();
    for (long revision = route.firstRevision(); revision <= current; revision++) {
      RecordAt event = events.get(revision);
      if (event == null) {
        if (route.pending().contains(revision)) {
          findings.inFlight(revision, Stage.ROUTE_EVENTS, Problem.MISSING, "pending in the outbox");
        } else {
          findings.inconsistent(
              revision,
              Stage.ROUTE_EVENTS,
              Problem.MISSING,
              "acknowledged in PostgreSQL, neither pending in the outbox nor on route-events");
        }
        continue;
      }
      RecordAt change = changes.get(revision);
      if (change == null) {
        findings.missing(
            revision,
            Stage.ROUTE_CHANGES,
            consumption.processor().passed(event),
            consumption.processor().describe(event));
        continue;
      }
      if (!audit.containsKey(revision)) {
        findings.missing(
            revision,
            Stage.AUDIT_LOG,
            consumption.auditLog().passed(change),
            consumption.auditLog().describe(change));
      }
    }
    RecordAt currentChange = changes.get(current);
    if (currentChange != null) {
      checkLatest(route, findings);
      checkCache(route, currentChange, consumption.cacheInvalidation(), findings);
    }
    return findings.list();
  }

  private static Map<Long, RecordAt> firstByRevision(List<RecordAt> records) {
    Map<Long, RecordAt> first = new HashMap<>();
    records.forEach(r -> first.putIfAbsent(r.revision(), r));
    return first;
  }

  /** The route's changes by revision, reporting each one seen twice or after a higher one. */
  private static Map<Long, RecordAt> changesInOrder(RouteEvidence route, Findings findings) {
    Map<Long, RecordAt> first = new HashMap<>();
    long highest = 0;
    for (RecordAt change : route.changes()) {
      RecordAt earlier = first.putIfAbsent(change.revision(), change);
      if (earlier != null) {
        findings.inconsistent(
            change.revision(),
            Stage.ROUTE_CHANGES,
            Problem.DUPLICATED,
            "at " + earlier.partition() + "@" + earlier.offset() + " and " + change);
      } else if (change.revision() < highest) {
        findings.inconsistent(
            change.revision(),
            Stage.ROUTE_CHANGES,
            Problem.OUT_OF_ORDER,
            change + " after revision " + highest);
      }
      highest = Math.max(highest, change.revision());
    }
    return first;
  }

  /** How many audit rows each revision has, reporting every revision with more than one. */
  private static Map<Long, Integer> auditRows(RouteEvidence route, Findings findings) {
    Map<Long, Integer> rows = new HashMap<>();
    route.auditRevisions().forEach(r -> rows.merge(r, 1, Integer::sum));
    Set<Long> reported = new HashSet<>();
    for (long revision : route.auditRevisions()) {
      int count = rows.get(revision);
      if (count > 1 && reported.add(revision)) {
        findings.inconsistent(
            revision, Stage.AUDIT_LOG, Problem.DUPLICATED, count + " audit rows for one revision");
      }
    }
    return rows;
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

  /** The findings of one route, in the order they were made. */
  private static final class Findings {
    private final String routeKey;
    private final List<Finding> list = new ArrayList<>();

    Findings(String routeKey) {
      this.routeKey = routeKey;
    }

    void add(long revision, Stage stage, Problem problem, Status status, String detail) {
      list.add(new Finding(routeKey, revision, stage, problem, status, detail));
    }

    void inFlight(long revision, Stage stage, Problem problem, String detail) {
      add(revision, stage, problem, Status.IN_FLIGHT, detail);
    }

    void inconsistent(long revision, Stage stage, Problem problem, String detail) {
      add(revision, stage, problem, Status.INCONSISTENT, detail);
    }

    /** Missing at a stage: lost once the group that puts it there has passed it. */
    void missing(long revision, Stage stage, boolean passed, String detail) {
      add(
          revision,
          stage,
          Problem.MISSING,
          passed ? Status.INCONSISTENT : Status.IN_FLIGHT,
          detail);
    }

    List<Finding> list() {
      return list;
    }
  }
}
