package dev.trafficmanager.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ResolveCacheTest {
  private static final String BEFORE =
      """
      # HELP tm_resolve_cache_requests_total Resolve lookups in Redis
      # TYPE tm_resolve_cache_requests_total counter
      tm_resolve_cache_requests_total{result="hit",service="api"} 10.0
      tm_resolve_cache_requests_total{result="miss",service="api"} 5.0
      tm_resolve_cache_requests_total_created{result="hit",service="api"} 1.7E9
      tm_resolve_near_cache_requests_total{result="hit",service="api"} 100.0
      http_server_requests_seconds_count{method="GET",status="200",uri="/api/v1/routes/resolve"} 115
      """;

  @Test
  void eachTierReportsHowMuchEachResultGrewOverEveryOtherLabel() {
    MetricsText after =
        new MetricsText(
            """
            tm_resolve_cache_requests_total{result="hit",service="api"} 25.0
            tm_resolve_cache_requests_total{result="miss",service="api"} 5.0
            tm_resolve_cache_requests_total{result="miss",service="local"} 2.0
            tm_resolve_cache_requests_total{result="unavailable",service="api"} 3.0
            tm_resolve_near_cache_requests_total{result="hit",service="api"} 1100.0
            tm_resolve_near_cache_requests_total{result="miss",service="api"} 20.0
            """);

    ResolveCache cache = ResolveCache.between(new MetricsText(BEFORE), after);

    assertThat(cache.redis()).isEqualTo(Map.of("hit", 15L, "miss", 2L, "unavailable", 3L));
    assertThat(cache.nearCache()).isEqualTo(Map.of("hit", 1000L, "miss", 20L));
  }

  @Test
  void aTierTheApiDoesNotHaveIsAbsentNotZero() {
    MetricsText withoutNearCache =
        new MetricsText(
            """
            tm_resolve_cache_requests_total{result="hit",service="api"} 1.0
            """);

    ResolveCache cache = ResolveCache.between(withoutNearCache, withoutNearCache);

    assertThat(cache.nearCache()).isNull();
    assertThat(cache.redis()).isEqualTo(Map.of("hit", 0L));
  }

  @Test
  void aCounterFirstSeenAfterTheScenarioCountsFromZero() {
    MetricsText after =
        new MetricsText(
            """
            tm_resolve_near_cache_requests_total{service="api",result="hit"} 7
            """);

    ResolveCache cache = ResolveCache.between(new MetricsText(""), after);

    assertThat(cache.nearCache()).isEqualTo(Map.of("hit", 7L));
    assertThat(cache.redis()).isNull();
  }
}
