package dev.trafficmanager.api.resolve;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.trafficmanager.route.CacheEntry;
import dev.trafficmanager.route.RouteKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link NearCache} on Caffeine: size-bounded, every slot expiring at a deadline it carries, every
 * change made with {@code asMap().compute} so that the revision rules hold under concurrent loads
 * and invalidations of one route.
 */
final class CaffeineNearCache implements NearCache {
  static final String REQUESTS = "tm.resolve.near.cache.requests";
  static final String SIZE = "tm.resolve.near.cache.size";

  private final Cache<RouteKey, Slot> slots;
  private final Ticker ticker;
  private final long ttlNanos;
  // Bumped by clear(): a load that began before it must not bring back what it cleared.
  private final AtomicLong generation = new AtomicLong();
  private final Counter hits;
  private final Counter negativeHits;
  private final Counter misses;

  /**
   * @param ticker the clock of the TTL
   * @param executor where Caffeine does its upkeep (a test passes {@code Runnable::run})
   */
  CaffeineNearCache(
      NearCacheSettings settings, MeterRegistry meters, Ticker ticker, Executor executor) {
    this.ticker = ticker;
    this.ttlNanos = settings.ttl().toNanos();
    this.slots =
        Caffeine.newBuilder()
            // Only answers count against the size bound: a floor evicted by size would let the
            // older revision it holds back in. Floors are few and live one TTL.
            .maximumWeight(settings.maximumSize())
            .<RouteKey, Slot>weigher((route, slot) -> slot instanceof Floor ? 0 : 1)
            .expireAfter(new UntilDeadline())
            .ticker(ticker)
            .executor(executor)
            .build();
    this.hits = requests(meters, "hit");
    this.negativeHits = requests(meters, "negative_hit");
    this.misses = requests(meters, "miss");
    Gauge.builder(SIZE, slots, Cache::estimatedSize)
        .description("Routes in the resolve near cache, answers and invalidation floors")
        .register(meters);
  }

  private static Counter requests(MeterRegistry meters, String result) {
    return Counter.builder(REQUESTS)
        .description("Resolve near-cache lookups by result")
        .tag("result", result)
        .register(meters);
  }

  @Override
  public CacheEntry get(RouteKey route, Loader loader) {
    long loadGeneration = generation.get();
    long loadStart = ticker.read();
    Slot slot = slots.getIfPresent(route);
    if (slot instanceof Answer answer) {
      (answer.entry().resolves() ? hits : negativeHits).increment();
      return answer.entry();
    }
    misses.increment();
    CacheEntry loaded = loader.load(slot == null ? 0 : slot.revision());
    Answer fresh = new Answer(loaded, loadStart + ttlNanos);
    slots
        .asMap()
        .compute(
            route,
            (key, current) -> {
              boolean cleared = generation.get() != loadGeneration;
              boolean outlived = fresh.deadline() - ticker.read() <= 0;
              boolean older = current != null && current.revision() > loaded.revision();
              return cleared || outlived || older ? current : fresh;
            });
    return loaded;
  }

  @Override
  public void invalidate(RouteKey route, long revision) {
    Floor floor = new Floor(revision, ticker.read() + ttlNanos);
    slots
        .asMap()
        .compute(
            route,
            (key, current) -> current != null && current.revision() >= revision ? current : floor);
  }

  @Override
  public void clear() {
    generation.incrementAndGet();
    slots.invalidateAll();
  }

  /** What the cache holds for a route, until its deadline on the cache's ticker. */
  private sealed interface Slot permits Answer, Floor {
    long revision();

    long deadline();
  }

  /** A route's answer, as loaded from Redis or PostgreSQL. */
  private record Answer(CacheEntry entry, long deadline) implements Slot {
    @Override
    public long revision() {
      return entry.revision();
    }
  }

  /** No answer, but none older than {@code revision} may be cached or taken from Redis. */
  private record Floor(long revision, long deadline) implements Slot {}

  /**
   * Expires a slot at its own deadline: a slot kept by a compute keeps its deadline, so an answer
   * is never served longer than one TTL after its load began, however often it is confirmed.
   */
  private static final class UntilDeadline implements Expiry<RouteKey, Slot> {
    @Override
    public long expireAfterCreate(RouteKey key, Slot slot, long now) {
      return Math.max(0, slot.deadline() - now);
    }

    @Override
    public long expireAfterUpdate(RouteKey key, Slot slot, long now, long remaining) {
      return Math.max(0, slot.deadline() - now);
    }

    @Override
    public long expireAfterRead(RouteKey key, Slot slot, long now, long remaining) {
      return remaining;
    }
  }
}
