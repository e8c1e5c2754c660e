package dev.trafficmanager.app.operate.verify;

import dev.trafficmanager.route.CacheEntry;

/** A route's state at one revision, as PostgreSQL or the {@code routes} topic holds it. */
record RouteValue(String url, boolean active, long revision) {

  /** The cache entry that answers this state: the URL while active, a negative entry otherwise. */
  CacheEntry cacheEntry() {
    return active ? CacheEntry.resolving(url, revision) : CacheEntry.missing(revision);
  }

  boolean sameState(RouteValue other) {
    return url.equals(other.url) && active == other.active;
  }

  @Override
  public String toString() {
    return "revision " + revision + " " + url + (active ? " active" : " inactive");
  }
}
