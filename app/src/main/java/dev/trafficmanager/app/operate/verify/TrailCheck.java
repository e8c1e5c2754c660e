package dev.trafficmanager.app.operate.verify;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks a route and a split share: every revision of the {@link RevisionTrail} on {@code
 * route-events}, exactly once and in order on {@code route-changes}, and once in its audit table.
 * Pure, like {@link RouteCheck}.
 *
 * <p>A revision missing at a stage is reported once, at the first stage it has not reached, and
 * only as in flight while the stage before has not passed it on: pending in the outbox for {@code
 * route-events}, its event not consumed by the processor for {@code route-changes}, its change not
 * consumed by the audit-log consumer for the audit table. Duplicates and order are checked on
 * {@code route-changes} and in the audit table, where the contract is exactly once; {@code
 * route-events} is at least once.
 */
final class TrailCheck {
  private TrailCheck() {}

  /**
   * @param auditLog the audit-log consumer's offsets on {@code route-changes}
   * @param audit the audit table the revisions are recorded in
   * @return the trail's changes by revision, the first of each
   */
  static Map<Long, RecordAt> check(
      RevisionTrail trail,
      CommittedOffsets processor,
      CommittedOffsets auditLog,
      Stage audit,
      Findings findings) {
    Map<Long, RecordAt> events = firstByRevision(trail.events());
    Map<Long, RecordAt> changes = changesInOrder(trail, findings);
    Map<Long, Integer> audited = auditRows(trail, audit, findings);
    for (long revision = trail.firstRevision(); revision <= trail.revision(); revision++) {
      RecordAt event = events.get(revision);
      if (event == null) {
        if (trail.pending().contains(revision)) {
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
            revision, Stage.ROUTE_CHANGES, processor.passed(event), processor.describe(event));
        continue;
      }
      if (!audited.containsKey(revision)) {
        findings.missing(revision, audit, auditLog.passed(change), auditLog.describe(change));
      }
    }
    return changes;
  }

  private static Map<Long, RecordAt> firstByRevision(List<RecordAt> records) {
    Map<Long, RecordAt> first = new HashMap<>();
    records.forEach(r -> first.putIfAbsent(r.revision(), r));
    return first;
  }

  /** The changes by revision, reporting each one seen twice or after a higher one. */
  private static Map<Long, RecordAt> changesInOrder(RevisionTrail trail, Findings findings) {
    Map<Long, RecordAt> first = new HashMap<>();
    long highest = 0;
    for (RecordAt change : trail.changes()) {
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
  private static Map<Long, Integer> auditRows(RevisionTrail trail, Stage audit, Findings findings) {
    Map<Long, Integer> rows = new HashMap<>();
    trail.auditRevisions().forEach(r -> rows.merge(r, 1, Integer::sum));
    Set<Long> reported = new HashSet<>();
    for (long revision : trail.auditRevisions()) {
      int count = rows.get(revision);
      if (count > 1 && reported.add(revision)) {
        findings.inconsistent(
            revision, audit, Problem.DUPLICATED, count + " audit rows for one revision");
      }
    }
    return rows;
  }
}
