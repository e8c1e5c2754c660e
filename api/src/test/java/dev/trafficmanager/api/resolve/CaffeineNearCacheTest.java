package dev.trafficmanager.api.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.trafficmanager.route.CacheEntry;
import dev.trafficmanager.route.RouteKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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

  /**
   * A loader that blocks until released, counting its calls: lookups that come while it runs find a
   * load in flight.
   */
  private static final class HeldLoad implements NearCache.Loader {
    private final CacheEntry entry;
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger calls = new AtomicInteger();

    HeldLoad(CacheEntry entry) {
      this.entry = entry;
    }

    @Override
    public CacheEntry load(long floor) {
      calls.incrementAndGet();
      started.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      if (entry == null) {
        throw new IllegalStateException("PostgreSQL is down");
      }
      return entry;
    }
  }

  private static Future<CacheEntry> lookUp(
      ExecutorService threads, CaffeineNearCache cache, NearCache.Loader loader) {
    return threads.submit(() -> cache.get(ROUTE, loader));
  }

  private static void awaitStart(CountDownLatch latch) throws InterruptedException {
    assertThat(latch.await(30, TimeUnit.SECONDS)).as("the load started").isTrue();
  }

  @Test
  void concurrentLookupsOfAColdRouteShareOneLoad() throws Exception {
    int lookups = 16;
    CacheEntry answer = CacheEntry.resolving("https://a.example/", 3);
    HeldLoad held = new HeldLoad(answer);
    List<NearCache.Loader> loaders = new ArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(lookups);
    try {
      List<Future<CacheEntry>> results = new ArrayList<>();
      results.add(lookUp(threads, cache, held));
      awaitStart(held.started);
      for (int i = 1; i < lookups; i++) {
        // Each lookup brings a loader of its own: none may be called.
        HeldLoad own = new HeldLoad(CacheEntry.resolving("https://other.example/", 3));
        loaders.add(own);
        results.add(lookUp(threads, cache, own));
      }
      await()
          .alias("every other lookup waits for the load in flight")
          .atMost(Duration.ofSeconds(30))
          .until(() -> requests("coalesced") == lookups - 1);

      held.release.countDown();

      for (Future<CacheEntry> result : results) {
        assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo(answer);
      }
    } finally {
      held.release.countDown();
      threads.shutdownNow();
    }
    assertThat(held.calls).hasValue(1);
    assertThat(loaders).allSatisfy(l -> assertThat(((HeldLoad) l).calls).hasValue(0));
    assertThat(requests("miss")).isEqualTo(1);
    Loads loads = new Loads(CacheEntry.missing(0));
    assertThat(cache.get(ROUTE, loads)).as("and its answer was kept").isEqualTo(answer);
    assertThat(loads.floors).isEmpty();
  }

  @Test
  void aLookupAfterAnInvalidationDoesNotWaitForALoadThatBeganBeforeIt() throws Exception {
    HeldLoad before = new HeldLoad(CacheEntry.resolving("https://old.example/", 4));
    ExecutorService threads = Executors.newFixedThreadPool(1);
    try {
      Future<CacheEntry> first = lookUp(threads, cache, before);
      awaitStart(before.started);

      cache.invalidate(ROUTE, 5);
      Loads after = new Loads(CacheEntry.resolving("https://new.example/", 5));

      assertThat(cache.get(ROUTE, after))
          .isEqualTo(CacheEntry.resolving("https://new.example/", 5));
      assertThat(after.floors).as("loaded on its own, with the new floor").containsExactly(5L);
      before.release.countDown();
      assertThat(first.get(30, TimeUnit.SECONDS))
          .isEqualTo(CacheEntry.resolving("https://old.example/", 4));
    } finally {
      before.release.countDown();
      threads.shutdownNow();
    }
    assertThat(requests("coalesced")).isZero();
    assertThat(cache.get(ROUTE, new Loads(CacheEntry.missing(0))))
        .as("the older load was not kept")
        .isEqualTo(CacheEntry.resolving("https://new.example/", 5));
  }

  @Test
  void aLookupAfterClearDoesNotWaitForALoadThatBeganBeforeIt() throws Exception {
    HeldLoad before = new HeldLoad(CacheEntry.resolving("https://old.example/", 4));
    ExecutorService threads = Executors.newFixedThreadPool(1);
    try {
      lookUp(threads, cache, before);
      awaitStart(before.started);

      cache.clear();
      Loads after = new Loads(CacheEntry.resolving("https://new.example/", 4));

      assertThat(cache.get(ROUTE, after))
          .isEqualTo(CacheEntry.resolving("https://new.example/", 4));
      assertThat(after.floors).hasSize(1);
    } finally {
      before.release.countDown();
      threads.shutdownNow();
    }
    assertThat(requests("coalesced")).isZero();
  }

  @Test
  void theLookupsWaitingForAFailedLoadFailWithItAndTheNextLookupLoadsAgain() throws Exception {
    HeldLoad failing = new HeldLoad(null);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<CacheEntry> first = lookUp(threads, cache, failing);
      awaitStart(failing.started);
      Future<CacheEntry> waiting = lookUp(threads, cache, new Loads(CacheEntry.missing(0)));
      await()
          .alias("the second lookup waits for the first one's load")
          .atMost(Duration.ofSeconds(30))
          .until(() -> requests("coalesced") == 1);

      failing.release.countDown();

      for (Future<CacheEntry> result : List.of(first, waiting)) {
        assertThatThrownBy(() -> result.get(30, TimeUnit.SECONDS))
            .hasRootCauseInstanceOf(IllegalStateException.class)
            .hasRootCauseMessage("PostgreSQL is down");
      }
    } finally {
      failing.release.countDown();
      threads.shutdownNow();
    }
    Loads next = new Loads(CacheEntry.resolving("https://a.example/", 1));
    assertThat(cache.get(ROUTE, next)).isEqualTo(CacheEntry.resolving("https://a.example/", 1));
    assertThat(next.floors).hasSize(1);
  }

  @Test
  void anAnswerInUseIsReloadedAheadWhileTheOtherLookupsAreStillAnsweredFromMemory() {
    CaffeineNearCache refreshing =
        new CaffeineNearCache(
            new NearCacheSettings(100, TTL),
            meters,
            now::get,
            Runnable::run,
            Duration.ofSeconds(1));
    refreshing.get(ROUTE, new Loads(CacheEntry.resolving("https://a.example/", 3)));
    advance(Duration.ofSeconds(4));
    List<CacheEntry> seenMeanwhile = new ArrayList<>();
    List<Long> floors = new ArrayList<>();

    CacheEntry reloaded =
        refreshing.get(
            ROUTE,
            floor -> {
              floors.add(floor);
              // Another lookup while the reload runs: answered from memory, not loaded.
              seenMeanwhile.add(refreshing.get(ROUTE, new Loads(CacheEntry.missing(0))));
              return CacheEntry.resolving("https://b.example/", 4);
            });

    assertThat(reloaded).isEqualTo(CacheEntry.resolving("https://b.example/", 4));
    assertThat(floors).as("the answer's revision is the floor").containsExactly(3L);
    assertThat(seenMeanwhile).containsExactly(CacheEntry.resolving("https://a.example/", 3));
    assertThat(requests("refresh")).isEqualTo(1);
    Loads later = new Loads(CacheEntry.missing(0));
    advance(Duration.ofSeconds(3));
    assertThat(refreshing.get(ROUTE, later))
        .as("the reload lives one TTL from its own start")
        .isEqualTo(CacheEntry.resolving("https://b.example/", 4));
    assertThat(later.floors).isEmpty();
  }

  @Test
  void aFailedReloadAheadAnswersWhatWasThere() {
    CaffeineNearCache refreshing =
        new CaffeineNearCache(
            new NearCacheSettings(100, TTL),
            meters,
            now::get,
            Runnable::run,
            Duration.ofSeconds(1));
    refreshing.get(ROUTE, new Loads(CacheEntry.resolving("https://a.example/", 3)));
    advance(Duration.ofSeconds(4));

    CacheEntry answer =
        refreshing.get(
            ROUTE,
            floor -> {
              throw new IllegalStateException("Redis and PostgreSQL are down");
            });

    assertThat(answer).isEqualTo(CacheEntry.resolving("https://a.example/", 3));
    Loads next = new Loads(CacheEntry.resolving("https://b.example/", 4));
    assertThat(refreshing.get(ROUTE, next))
        .as("the next lookup tries again")
        .isEqualTo(CacheEntry.resolving("https://b.example/", 4));
    assertThat(next.floors).containsExactly(3L);
  }
}
