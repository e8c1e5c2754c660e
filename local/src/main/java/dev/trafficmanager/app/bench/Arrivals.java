package dev.trafficmanager.app.bench;

import dev.trafficmanager.route.RouteKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each revision of a route was first seen at one stage of the pipeline ({@code route-events},
 * {@code route-changes}, the invalidation channel), and how many times in all. Any number of
 * threads record at once.
 */
final class Arrivals {
  private final String stage;
  private final Map<String, Seen> seen = new ConcurrentHashMap<>();

  Arrivals(String stage) {
    this.stage = stage;
  }

  String stage() {
    return stage;
  }

  /** The key of a revision of a route, as the invalidation message writes it. */
  static String key(RouteKey route, long revision) {
    return route + " " + revision;
  }

  void arrived(RouteKey route, long revision, long nanoTime) {
    seen.compute(
        key(route, revision),
        (key, before) -> before == null ? new Seen(nanoTime, 1) : before.again());
  }

  /** When the revision was first seen ({@link System#nanoTime}), or null if it was not. */
  Seen get(String key) {
    return seen.get(key);
  }

  /** The first arrival of a revision, and how many arrived in all. */
  record Seen(long firstNanos, int times) {
    Seen again() {
      return new Seen(firstNanos, times + 1);
    }
  }
}
