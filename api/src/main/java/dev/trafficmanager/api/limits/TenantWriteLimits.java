package dev.trafficmanager.api.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each tenant's write rate limit (resilience4j's rate limiter, one per tenant): a write over it is
 * refused with 429 and {@code Retry-After} at once, never queued. It is checked once the write is
 * parsed and valid, before it may wait for a {@code writes} bulkhead place or claim an {@code
 * Idempotency-Key}, so a tenant's burst costs the others nothing and a refused write leaves no
 * trace.
 *
 * <p>Tenants are any valid names a caller sends, so the limiters live in a bounded cache: a tenant
 * idle longer than its period (and at least {@link #IDLE_EXPIRY}) is forgotten, which costs it
 * nothing, since its limiter would have been full again; past {@link #MAX_TENANTS} tenants the
 * least recently used is forgotten, which could give it a fresh burst.
 *
 * <p>Refusals are counted in {@code tm_write_rate_limited_total{limit}}, {@code limit} being {@code
 * default} or {@code override}: never the tenant, whose names are unbounded.
 */
public final class TenantWriteLimits {
  static final String REFUSALS = "tm.write.rate.limited";
  static final Duration IDLE_EXPIRY = Duration.ofMinutes(10);
  static final long MAX_TENANTS = 100_000;

  private static final Logger log = LoggerFactory.getLogger(TenantWriteLimits.class);

  private final LimitSettings settings;
  private final LongSupplier nanoTime;
  private final Cache<String, TenantLimiter> limiters;
  private final Counter refusedAtDefault;
  private final Counter refusedAtOverride;

  /**
   * @param nanoTime the clock {@code Retry-After} is counted by ({@code System::nanoTime}, which
   *     the limiters count their periods by)
   */
  public TenantWriteLimits(LimitSettings settings, MeterRegistry meters, LongSupplier nanoTime) {
    this.settings = settings;
    this.nanoTime = nanoTime;
    Duration longestPeriod =
        Stream.concat(
                Stream.of(settings.writeRate()), settings.writeRateOverrides().values().stream())
            .map(WriteRate::period)
            .max(Duration::compareTo)
            .orElseThrow();
    this.limiters =
        Caffeine.newBuilder()
            .maximumSize(MAX_TENANTS)
            .expireAfterAccess(
                longestPeriod.compareTo(IDLE_EXPIRY) > 0 ? longestPeriod : IDLE_EXPIRY)
            .build();
    this.refusedAtDefault = refusals(meters, "default");
    this.refusedAtOverride = refusals(meters, "override");
  }

  /**
   * Takes one of {@code tenant}'s write permits.
   *
   * @throws WriteRateExceededException with {@code Retry-After} set on {@code ctx}, when the tenant
   *     has none left this period
   */
  public void admit(Context ctx, String tenant) {
    long retryAfter = acquire(tenant);
    if (retryAfter > 0) {
      ctx.header("Retry-After", String.valueOf(retryAfter));
      throw new WriteRateExceededException(tenant, settings.writeRate(tenant), retryAfter);
    }
  }

  /**
   * Takes one of {@code tenant}'s permits: 0 when it had one, otherwise (counted as a refusal) the
   * whole seconds until it has one again, at least 1.
   */
  long acquire(String tenant) {
    TenantLimiter tenantLimiter = limiters.get(tenant, this::newLimiter);
    if (tenantLimiter.limiter().acquirePermission()) {
      return 0;
    }
    long retryAfter =
        Math.max(
            1,
            TimeUnit.NANOSECONDS.toSeconds(
                tenantLimiter.nanosToNextPeriod(nanoTime.getAsLong())
                    + TimeUnit.SECONDS.toNanos(1)
                    - 1));
    boolean override = settings.writeRateOverrides().containsKey(tenant);
    (override ? refusedAtOverride : refusedAtDefault).increment();
    log.debug("event=write_rate_limited tenant={} retry_after_s={}", tenant, retryAfter);
    return retryAfter;
  }

  private TenantLimiter newLimiter(String tenant) {
    WriteRate rate = settings.writeRate(tenant);
    RateLimiter limiter =
        RateLimiter.of(
            tenant,
            RateLimiterConfig.custom()
                .limitForPeriod(rate.writes())
                .limitRefreshPeriod(rate.period())
                .timeoutDuration(Duration.ZERO)
                .build());
    // Read after the limiter took its own start, so the next period is never announced early.
    return new TenantLimiter(limiter, nanoTime.getAsLong(), rate.period().toNanos());
  }

  /**
   * A tenant's limiter and where its periods begin: resilience4j's limiter counts periods from its
   * creation and gives the permits back at each period's start, which is when a refused write may
   * come back.
   */
  private record TenantLimiter(RateLimiter limiter, long startNanos, long periodNanos) {
    long nanosToNextPeriod(long now) {
      return periodNanos - Math.floorMod(now - startNanos, periodNanos);
    }
  }

  private static Counter refusals(MeterRegistry meters, String limit) {
    return Counter.builder(REFUSALS)
        .description("Writes refused with 429: their tenant was over its write rate limit")
        .tag("limit", limit)
        .register(meters);
  }
}
