package dev.trafficmanager.app.operate.verify;

import java.util.Objects;
import java.util.Optional;

/**
 * Everything {@code verify} read about one route.
 *
 * @param trail where its revisions went: the topics and {@code audit_log}
 * @param database the route in PostgreSQL's snapshot: the source of truth, at the trail's revision
 * @param latest the route's last record on the compacted {@code routes} topic, if any
 * @param cacheValue the route's Redis entry as stored, if there is one
 */
record RouteEvidence(
    RevisionTrail trail,
    RouteValue database,
    Optional<RouteValue> latest,
    Optional<String> cacheValue) {

  RouteEvidence {
    Objects.requireNonNull(trail, "trail");
    if (trail.revision() != database.revision()) {
      throw new IllegalArgumentException(
          "the trail is of revision " + trail.revision() + ", the route of " + database);
    }
  }

  String routeKey() {
    return trail.key();
  }

  /** The same evidence with the route's cache entry as read from Redis. */
  RouteEvidence withCacheValue(Optional<String> value) {
    return new RouteEvidence(trail, database, latest, value);
  }
}
