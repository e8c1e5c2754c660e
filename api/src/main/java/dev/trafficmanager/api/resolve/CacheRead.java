package dev.trafficmanager.api.resolve;

import java.util.Optional;

/** What the cache said about one route. */
sealed interface CacheRead {
  /** The cache holds an answer: a resolution, or empty for a route known not to resolve. */
  record Hit(Optional<Resolution> resolution) implements CacheRead {}

  /** The cache holds nothing usable for the route. */
  record Miss() implements CacheRead {}

  /** The cache could not be asked; writing to it now would only cost another timeout. */
  record Unavailable() implements CacheRead {}
}
