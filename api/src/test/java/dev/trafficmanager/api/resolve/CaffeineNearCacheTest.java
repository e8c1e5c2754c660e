package dev.trafficmanager.api.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trafficmanager.route.CacheEntry;
import dev.trafficmanager.route.RouteKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CaffeineNearCacheTest {
  private static final Duration TTL = Duration.ofSeconds(5);
  private static final RouteKey ROUTE = RouteKey.parse("acme/billing/prod/v1");
  private static final RouteKey OTHER_ROUTE = RouteKey.parse("acme/search/prod/v1");

  private final AtomicLong now = new AtomicLong();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final CaffeineNearCache cache = cache(100, meters);

  private CaffeineNearCache cache(int maximumSize, SimpleMeterRegistry registry) {
    return new CaffeineNearCache(
        new NearCacheSettings(maximumSize, TTL), registry, now::get, Runnable::run);
  }

  /** A loader that answers {@code entry} and records the floor of each call. */
  private static final class Loads implements NearCache.Loader {
    private final CacheEntry entry;
    private final List<Long> floors = new ArrayList<>();

    Loads(CacheEntry entry) {
      this.entry = entry;
    }

    @Override
    public CacheEntry load(long floor) {
      floors.add(floor);
      return entry;
    }
  }

  private void advance(Duration by) {
    now.addAndGet(by.toNanos());
  }

  private double requests(String result) {
    return meters.get(CaffeineNearCache.REQUESTS).tag("result", result).counter().count();
  }

  @Test
  void anAnswerIsServedFromMemoryUntilItsTtlRunsOut() {
    Loads loads = new Loads(CacheEntry.resolving("https://a.example/", 1));

    assertThat(cache.get(ROUTE, loads)).isEqualTo(CacheEntry.resolving("https://a.example/", 1));
    advance(TTL.minusNanos(1));
    assertThat(cache.get(ROUTE, loads)).isEqualTo(CacheEntry.resolving("https://a.example/", 1));
    assertThat(loads.floors).hasSize(1);

    advance(Duration.ofNanos(1));
    cache.get(ROUTE, loads);

    assertThat(loads.floors).containsExactly(0L, 0L);
  }

  @Test
  void theTtlCountsFromTheStartOfTheLoad() {
    NearCache.Loader slow =
        floor -> {
          advance(Duration.ofSeconds(3));
          return CacheEntry.resolving("https://a.example/", 1);
        };
    cache.get(ROUTE, slow);
    Loads loads = new Loads(CacheEntry.resolving("https://a.example/", 1));

    advance(Duration.ofSeconds(1));
    cache.get(ROUTE, loads);
    assertThat(loads.floors).as("4 s after the load began").isEmpty();

    advance(Duration.ofSeconds(1));
    cache.get(ROUTE, loads);
    assertThat(loads.floors).as("5 s after the load began").hasSize(1);
  }

  @Test
  void aLoadThatOutlivesTheTtlIsNotKept() {
    cache.get(
        ROUTE,
        floor -> {
          advance(TTL);
          return CacheEntry.resolving("https://a.example/", 1);
        });
    Loads loads = new Loads(CacheEntry.resolving("https://a.example/", 1));

    cache.get(ROUTE, loads);

    assertThat(loads.floors).hasSize(1);
  }

  @Test
  void negativeAnswersAreCachedAndEveryLookupIsCounted() {
    cache.get(ROUTE, new Loads(CacheEntry.missing(0)));
    cache.get(ROUTE, new Loads(CacheEntry.missing(0)));
    cache.get(OTHER_ROUTE, new Loads(CacheEntry.resolving("https://a.example/", 2)));
    cache.get(OTHER_ROUTE, new Loads(CacheEntry.resolving("https://a.example/", 2)));
    cache.get(OTHER_ROUTE, new Loads(CacheEntry.resolving("https://a.example/", 2)));

    assertThat(requests("miss")).isEqualTo(2);
    assertThat(requests("negative_hit")).isEqualTo(1);
    assertThat(requests("hit")).isEqualTo(2);
    assertThat(meters.get(CaffeineNearCache.SIZE).gauge().value()).isEqualTo(2);
  }

  @Test
  void anInvalidationDropsAnOlderAnswerAndLeavesItsRevisionAsTheFloorOfTheNextLoad() {
    cache.get(ROUTE, new Loads(CacheEntry.resolving("https://a.example/", 3)));
    Loads loads = new Loads(CacheEntry.missing(4));

    cache.invalidate(ROUTE, 4);

    assertThat(cache.get(ROUTE, loads)).isEqualTo(CacheEntry.missing(4));
    assertThat(loads.floors).containsExactly(4L);
    assertThat(cache.get(ROUTE, loads)).as("kept").isEqualTo(CacheEntry.missing(4));
    assertThat(loads.floors).hasSize(1);
  }

  @Test
  void anInvalidationKeepsAnAnswerOfItsRevisionOrNewer() {
    cache.get(ROUTE, new Loads(CacheEntry.resolving("https://a.example/", 3)));
    Loads loads = new Loads(CacheEntry.resolving("https://b.example/", 9));

    cache.invalidate(ROUTE, 3);
    cache.invalidate(ROUTE, 2);

    assertThat(cache.get(ROUTE, loads)).isEqualTo(CacheEntry.resolving("https://a.example/", 3));
    assertThat(loads.floors).isEmpty();
  }

  @Test
  void aLoadThatReadAnOlderRevisionBeforeTheInvalidationArrivedIsNotKept() {
    NearCache.Loader racing =
        floor -> {
          // Read revision 4, then the invalidation of revision 5 arrived before the fill.
          cache.invalidate(ROUTE, 5);
          return CacheEntry.resolving("https://old.example/", 4);
        };

    assertThat(cache.get(ROUTE, racing))
        .as("the caller still gets what was read")
        .isEqualTo(CacheEntry.resolving("https://old.example/", 4));

    Loads loads = new Loads(CacheEntry.resolving("https://new.example/", 5));
    assertThat(cache.get(ROUTE, loads)).isEqualTo(CacheEntry.resolving("https://new.example/", 5));
    assertThat(loads.floors).containsExactly(5L);
  }

  @Test
  void aLoadNeverReplacesANewerAnswer() {
    NearCache.Loader overtaken =
        floor -> {
          cache.get(ROUTE, new Loads(CacheEntry.resolving("https://new.example/", 6)));
          return CacheEntry.resolving("https://old.example/", 5);
        };
    cache.get(ROUTE, overtaken);
    Loads loads = new Loads(CacheEntry.missing(0));

    assertThat(cache.get(ROUTE, loads)).isEqualTo(CacheEntry.resolving("https://new.example/", 6));
    assertThat(loads.floors).isEmpty();
  }

  @Test
  void aFloorExpiresWithTheTtl() {
    cache.invalidate(ROUTE, 5);
    Loads loads = new Loads(CacheEntry.missing(0));

    advance(TTL);
    cache.get(ROUTE, loads);

    assertThat(loads.floors).containsExactly(0L);
  }

  @Test
  void clearDropsEverythingAndWhatALoadInFlightWouldBringBack() {
    cache.get(OTHER_ROUTE, new Loads(CacheEntry.resolving("https://a.example/", 1)));
    cache.get(
        ROUTE,
        floor -> {
          cache.clear();
          return CacheEntry.resolving("https://b.example/", 1);
        });
    Loads other = new Loads(CacheEntry.resolving("https://a.example/", 1));
    Loads route = new Loads(CacheEntry.resolving("https://b.example/", 1));

    cache.get(OTHER_ROUTE, other);
    cache.get(ROUTE, route);

    assertThat(other.floors).hasSize(1);
    assertThat(route.floors).hasSize(1);
  }

  @Test
  void aFailedLoadCachesNothing() {
    assertThatThrownBy(
            () ->
                cache.get(
                    ROUTE,
                    floor -> {
                      throw new IllegalStateException("PostgreSQL is down");
                    }))
        .hasMessage("PostgreSQL is down");
    Loads loads = new Loads(CacheEntry.missing(0));

    cache.get(ROUTE, loads);

    assertThat(loads.floors).hasSize(1);
  }

  @Test
  void itHoldsNoMoreAnswersThanItsSizeAndNeverEvictsAFloorForThem() {
    SimpleMeterRegistry smallMeters = new SimpleMeterRegistry();
    CaffeineNearCache small = cache(3, smallMeters);
    small.invalidate(OTHER_ROUTE, 7);
    for (int i = 0; i < 50; i++) {
      RouteKey route = RouteKey.parse("acme/billing/prod/v" + i);
      small.get(route, new Loads(CacheEntry.resolving("https://a.example/", 1)));
    }

    assertThat(smallMeters.get(CaffeineNearCache.SIZE).gauge().value())
        .as("three answers and the floor")
        .isGreaterThan(0)
        .isLessThanOrEqualTo(4);
    Loads stale = new Loads(CacheEntry.resolving("https://old.example/", 6));
    small.get(OTHER_ROUTE, stale);
    assertThat(stale.floors).as("the floor survived the churn").containsExactly(7L);
    assertThat(small.get(OTHER_ROUTE, new Loads(CacheEntry.resolving("https://new.example/", 7))))
        .as("the older load was not kept")
        .isEqualTo(CacheEntry.resolving("https://new.example/", 7));
  }
}
