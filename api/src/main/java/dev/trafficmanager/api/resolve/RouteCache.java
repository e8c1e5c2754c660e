package dev.trafficmanager.api.resolve;

import dev.trafficmanager.cache.CacheSettings;
import dev.trafficmanager.cache.RouteCacheWriter;
import dev.trafficmanager.route.CacheEntry;
import dev.trafficmanager.route.CacheKeys;
import dev.trafficmanager.route.RouteKey;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.api.sync.RedisCommands;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis side of resolve: entries in the one format of the resolve cache ({@link CacheEntry}),
 * written with "set if not older" so that this fill never replaces a newer entry, kept for the
 * positive or the negative TTL.
 *
 * <p>Every Redis call goes through the process's {@code redis} circuit breaker, which records the
 * failures Redis's outage rule calls outages (a missing connection among them) and ignores a
 * command's own error. There are no retries: the fallback (PostgreSQL) is the retry, and retrying
 * Redis would only add latency to a read that does not need it. Any Redis failure is logged
 * (rate-limited) and reported as {@link CacheRead.Unavailable}, never thrown: the cache is an
 * optimisation.
 *
 * <p>Meter: {@code tm_resolve_cache_requests_total{result=hit|negative_hit|miss|unavailable}}.
 */
public final class RouteCache {
  static final String REQUESTS = "tm.resolve.cache.requests";
  private static final Logger log = LoggerFactory.getLogger(RouteCache.class);

  private final CacheConnection connection;
  private final CacheKeys keys;
  private final CacheSettings ttls;
  private final CircuitBreaker breaker;
  private final RouteCacheWriter writer = new RouteCacheWriter();
  private final RateLimitedWarning failures = new RateLimitedWarning(log, Duration.ofSeconds(30));
  private final Counter hits;
  private final Counter negativeHits;
  private final Counter misses;
  private final Counter unavailable;

  public RouteCache(
      CacheConnection connection,
      CacheKeys keys,
      CacheSettings ttls,
      CircuitBreaker breaker,
      MeterRegistry meters) {
    this.connection = connection;
    this.keys = keys;
    this.ttls = ttls;
    this.breaker = breaker;
    this.hits = requests(meters, "hit");
    this.negativeHits = requests(meters, "negative_hit");
    this.misses = requests(meters, "miss");
    this.unavailable = requests(meters, "unavailable");
  }

  private static Counter requests(MeterRegistry meters, String result) {
    return Counter.builder(REQUESTS)
        .description("Resolve cache lookups by result")
        .tag("result", result)
        .register(meters);
  }

  CacheRead read(RouteKey route) {
    String key = keys.route(route);
    String value;
    try {
      value = breaker.executeSupplier(() -> commands().get(key));
    } catch (CallNotPermittedException e) {
      unavailable.increment();
      return new CacheRead.Unavailable();
    } catch (RuntimeException e) {
      failures.occurred("event=cache_read_failed", e);
      unavailable.increment();
      return new CacheRead.Unavailable();
    }
    if (value == null) {
      misses.increment();
      return new CacheRead.Miss();
    }
    CacheEntry entry;
    try {
      entry = CacheEntry.parse(value);
    } catch (IllegalArgumentException e) {
      // Treated as a miss, so the fresh answer overwrites the bad entry.
      log.warn("event=cache_entry_unreadable key={} error=\"{}\"", key, e.getMessage());
      misses.increment();
      return new CacheRead.Miss();
    }
    (entry.resolves() ? hits : negativeHits).increment();
    return new CacheRead.Hit(entry);
  }

  void write(RouteKey route, CacheEntry entry) {
    try {
      breaker.executeRunnable(
          () ->
              writer.setIfNotOlder(
                  commands(), keys.route(route), entry, ttls.ttlOf(entry.resolves())));
    } catch (CallNotPermittedException e) {
      // The breaker is open: the write is skipped, the next fill writes the entry.
    } catch (RuntimeException e) {
      failures.occurred("event=cache_write_failed", e);
    }
  }

  private RedisCommands<String, String> commands() {
    return connection
        .commands()
        .orElseThrow(() -> new RedisConnectionException("not connected to Redis"));
  }
}
