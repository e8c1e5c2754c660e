package dev.trafficmanager.api.resolve;

import dev.trafficmanager.route.CacheEntry;

/** What the cache said about one route. */
sealed interface CacheRead {
  /** The cache holds an answer: the route resolves, or is known not to (a negative entry). */
  record Hit(CacheEntry entry) implements CacheRead {}

  /** The cache holds nothing usable for the route. */
  record Miss() implements CacheRead {}

  /** The cache could not be asked; writing to it now would only cost another failure. */
  record Unavailable() implements CacheRead {}
}
