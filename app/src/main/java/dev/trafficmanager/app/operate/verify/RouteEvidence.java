package dev.trafficmanager.app.operate.verify;

import java.util.List;
import java.util.Optional;

/**
 * Everything {@code verify} read about one route.
 *
 * @param database the route in PostgreSQL's snapshot: the source of truth
 * @param firstRevision the lowest revision to check; 1 unless the scope has a {@code since}
 * @param pending the revisions the outbox still held for the relay at the snapshot, ascending
 * @param events the route's records on {@code route-events} within the checked revisions, in offset
 *     order (a route's records share one partition)
 * @param changes every record of the route on {@code route-changes}, in offset order
 * @param latest the route's last record on the compacted {@code routes} topic, if any
 * @param auditRevisions the revision of each audit row within the checked revisions, ascending (a
 *     revision twice is a duplicated row)
 * @param cacheValue the route's Redis entry as stored, if there is one
 */
record RouteEvidence(
    String routeKey,
    RouteValue database,
    long firstRevision,
    List<Long> pending,
    List<RecordAt> events,
    List<RecordAt> changes,
    Optional<RouteValue> latest,
    List<Long> auditRevisions,
    Optional<String> cacheValue) {

  RouteEvidence {
    pending = List.copyOf(pending);
    events = List.copyOf(events);
    changes = List.copyOf(changes);
    auditRevisions = List.copyOf(auditRevisions);
  }

  /** What the route's revisions left where a split's leave it too. */
  RevisionTrail trail() {
    return new RevisionTrail(
        routeKey, database.revision(), firstRevision, pending, events, changes, auditRevisions);
  }

  /** The same evidence with the route's cache entry as read from Redis. */
  RouteEvidence withCacheValue(Optional<String> value) {
    return new RouteEvidence(
        routeKey, database, firstRevision, pending, events, changes, latest, auditRevisions, value);
  }
}
