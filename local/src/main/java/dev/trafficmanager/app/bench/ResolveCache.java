package dev.trafficmanager.app.bench;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which cache tier answered the resolves of a scenario: how much each result counter of each tier
 * grew in the API's {@code /metrics} meanwhile. A tier the API does not have (the near cache of an
 * older API, or one with its TTL at zero) is null. The Redis tier counts only what the near cache
 * did not answer.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record ResolveCache(Map<String, Long> nearCache, Map<String, Long> redis) {

  static final String NEAR_CACHE_REQUESTS = "tm_resolve_near_cache_requests_total";
  static final String REDIS_REQUESTS = "tm_resolve_cache_requests_total";
  private static final String RESULT = "result";

  static ResolveCache between(MetricsText before, MetricsText after) {
    return new ResolveCache(
        growth(before, after, NEAR_CACHE_REQUESTS).orElse(null),
        growth(before, after, REDIS_REQUESTS).orElse(null));
  }

  /** How much each result grew; a result the API had not counted yet started at 0. */
  private static Optional<Map<String, Long>> growth(
      MetricsText before, MetricsText after, String counter) {
    Map<String, Long> start = before.countsBy(counter, RESULT).orElse(Map.of());
    return after
        .countsBy(counter, RESULT)
        .map(
            end -> {
              Map<String, Long> grown = new TreeMap<>();
              end.forEach(
                  (result, count) -> grown.put(result, count - start.getOrDefault(result, 0L)));
              return grown;
            });
  }
}
