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
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link NearCache} on Caffeine: size-bounded, every slot expiring at a deadline it carries, every
 * change made with {@code asMap().compute} so that the revision rules hold under concurrent loads
 * and invalidations of one route.
 *
 * <p>Concurrent misses of one route share one load: the first runs the loader on its own thread,
 * the others wait for its result. Caffeine's own {@code get(key, loader)} would coalesce too, but
 * it runs the loader inside the map's compute, so an {@link #invalidate} of that route would wait
 * behind a Redis or PostgreSQL round trip (it must never block). The loads in flight sit in a map
 * of their own instead; an invalidation or a {@link #clear()} takes a route's load out of it, so a
 * lookup that comes after the invalidation never joins a load that began before it and may have
 * read the older revision, and a lookup joins only a load whose floor is at least its own.
 */
final class CaffeineNearCache implements NearCache {
  static final String REQUESTS = "tm.resolve.near.cache.requests";
  static final String SIZE = "tm.resolve.near.cache.size";

  /** In production an answer in use is reloaded in the last quarter of its TTL. */
  static final int REFRESH_AHEAD_DIVISOR = 4;

  private final Cache<RouteKey, Slot> slots;
  private final ConcurrentMap<RouteKey, Load> loads = new ConcurrentHashMap<>();
  private final Ticker ticker;
  private final long ttlNanos;
  // Bumped by clear(): a load that began before it must not bring back what it cleared.
  private final AtomicLong generation = new AtomicLong();
  private final Counter hits;
  private final Counter negativeHits;
  private final Counter misses;
  private final Counter coalesced;
  private final Counter refreshes;
  private final long refreshNanos;

  /** Without refresh ahead: an answer is reloaded only once it expired. */
  CaffeineNearCache(
      NearCacheSettings settings, MeterRegistry meters, Ticker ticker, Executor executor) {
    this(settings, meters, ticker, executor, Duration.ZERO);
  }

  /**
   * @param ticker the clock of the TTL
   * @param executor where Caffeine does its upkeep (a test passes {@code Runnable::run})
   * @param refreshAhead how long before an answer expires the first lookup to see it reloads it
   *     (the others go on getting the answer), so that a route in use is not a miss for every
   *     lookup that comes while it reloads; zero for none
   */
  CaffeineNearCache(
      NearCacheSettings settings,
      MeterRegistry meters,
      Ticker ticker,
      Executor executor,
      Duration refreshAhead) {
    this.ticker = ticker;
    this.ttlNanos = settings.ttl().toNanos();
    this.refreshNanos = Math.min(refreshAhead.toNanos(), ttlNanos);
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
    this.coalesced = requests(meters, "coalesced");
    this.refreshes = requests(meters, "refresh");
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
      if (refreshNanos > 0 && answer.deadline() - loadStart <= refreshNanos) {
        Load refresh = new Load(answer.revision());
        if (loads.putIfAbsent(route, refresh) == null) {
          return refresh(route, loader, refresh, answer, loadGeneration, loadStart);
        }
      }
      (answer.entry().resolves() ? hits : negativeHits).increment();
      return answer.entry();
    }
    long floor = slot == null ? 0 : slot.revision();
    Load load = new Load(floor);
    Load running = loads.putIfAbsent(route, load);
    if (running != null && running.floor() >= floor && running.owner() != Thread.currentThread()) {
      coalesced.increment();
      return running.await();
    }
    // With a load of a lower floor in flight (begun before an invalidation this lookup saw, and
    // not yet taken out), this one loads alone: its answer must not be older than its floor. So
    // does a loader that looks its own route up again, which would otherwise wait for itself.
    boolean shared = running == null;
    misses.increment();
    try {
      CacheEntry loaded = loader.load(floor);
      keep(route, loaded, loadGeneration, loadStart);
      load.result().complete(loaded);
      return loaded;
    } catch (RuntimeException | Error e) {
      load.result().completeExceptionally(e);
      throw e;
    } finally {
      if (shared) {
        loads.remove(route, load);
      }
    }
  }

  /**
   * Reloads an answer that is about to expire, on this lookup's thread, while every other lookup is
   * still answered from memory; a lookup that comes once it expired waits for this load. The floor
   * is the answer's revision, which is known to exist. A failed refresh answers what was there
   * (still within its TTL) and fails only the lookups waiting for it.
   */
  private CacheEntry refresh(
      RouteKey route,
      Loader loader,
      Load refresh,
      Answer answer,
      long loadGeneration,
      long loadStart) {
    refreshes.increment();
    try {
      CacheEntry loaded = loader.refresh(answer.revision());
      keep(route, loaded, loadGeneration, loadStart);
      refresh.result().complete(loaded);
      return loaded;
    } catch (RuntimeException e) {
      refresh.result().completeExceptionally(e);
      return answer.entry();
    } catch (Error e) {
      refresh.result().completeExceptionally(e);
      throw e;
    } finally {
      loads.remove(route, refresh);
    }
  }

  private void keep(RouteKey route, CacheEntry loaded, long loadGeneration, long loadStart) {
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
  }

  @Override
  public void invalidate(RouteKey route, long revision) {
    // Lookups from now on must not join a load that may have read an older revision.
    loads.remove(route);
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
    loads.clear();
    slots.invalidateAll();
  }

  /**
   * A load in flight on thread {@code owner}, of answers no older than {@code floor}, that other
   * lookups may wait for.
   */
  private record Load(long floor, Thread owner, CompletableFuture<CacheEntry> result) {
    Load(long floor) {
      this(floor, Thread.currentThread(), new CompletableFuture<>());
    }

    /** Its answer, or what its loader threw. */
    CacheEntry await() {
      try {
        return result.join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof RuntimeException failure) {
          throw failure;
        }
        if (e.getCause() instanceof Error error) {
          throw error;
        }
        throw e;
      }
    }
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
