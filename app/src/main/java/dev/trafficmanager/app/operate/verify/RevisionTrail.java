package dev.trafficmanager.app.operate.verify;

import java.util.List;

/**
 * Where the revisions of one route or split went, as {@code verify} read them: what every
 * revisioned thing leaves along the pipeline, whatever else a route leaves (the {@code routes}
 * topic, Redis).
 *
 * @param key the route's key, or the split's
 * @param revision the current revision in PostgreSQL's snapshot: the source of truth
 * @param firstRevision the lowest revision to check; 1 unless the scope has a {@code since}
 * @param pending the revisions the outbox still held for the relay at the snapshot, ascending
 * @param events the records on {@code route-events} within the checked revisions, in offset order
 *     (one key's records share one partition)
 * @param changes every record of the key on {@code route-changes}, in offset order
 * @param auditRevisions the revision of each audit row within the checked revisions, ascending (a
 *     revision twice is a duplicated row)
 */
record RevisionTrail(
    String key,
    long revision,
    long firstRevision,
    List<Long> pending,
    List<RecordAt> events,
    List<RecordAt> changes,
    List<Long> auditRevisions) {

  RevisionTrail {
    pending = List.copyOf(pending);
    events = List.copyOf(events);
    changes = List.copyOf(changes);
    auditRevisions = List.copyOf(auditRevisions);
  }

  /** How many revisions are checked. */
  long checkedRevisions() {
    return Math.max(0, revision - firstRevision + 1);
  }
}
