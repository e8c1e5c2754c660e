package dev.trafficmanager.api.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TenantWriteLimitsTest {
  private final AtomicLong nanos = new AtomicLong();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  private TenantWriteLimits limits(WriteRate rate, Map<String, WriteRate> overrides) {
    return new TenantWriteLimits(
        new LimitSettings(LimitSettings.DEFAULT_MAX_BODY_BYTES, rate, overrides),
        meters,
        nanos::get);
  }

  @Test
  void aTenantMayBurstOnePeriodsWorthThenIsRefused() {
    TenantWriteLimits limits = limits(new WriteRate(3, Duration.ofHours(1)), Map.of());

    assertThat(limits.acquire("acme")).isZero();
    assertThat(limits.acquire("acme")).isZero();
    assertThat(limits.acquire("acme")).isZero();
    assertThat(limits.acquire("acme")).as("retry after, in seconds").isEqualTo(3600);
  }

  @Test
  void oneTenantOverItsLimitLeavesTheOthersTheirOwn() {
    TenantWriteLimits limits = limits(new WriteRate(1, Duration.ofHours(1)), Map.of());

    assertThat(limits.acquire("acme")).isZero();
    assertThat(limits.acquire("acme")).isPositive();
    assertThat(limits.acquire("beta")).isZero();
  }

  @Test
  void retryAfterIsTheWholeSecondsUntilTheNextPermitRoundedUp() {
    TenantWriteLimits limits =
        limits(WriteRate.perSecond(50), Map.of("slow", new WriteRate(1, Duration.ofMinutes(1))));

    assertThat(limits.acquire("slow")).isZero();
    nanos.addAndGet(Duration.ofMillis(500).toNanos());
    assertThat(limits.acquire("slow")).isEqualTo(60);
  }

  @Test
  void refusalsAreCountedByKindOfLimitNeverByTenant() {
    TenantWriteLimits limits =
        limits(
            new WriteRate(1, Duration.ofHours(1)),
            Map.of("big", new WriteRate(1, Duration.ofHours(1))));
    for (String tenant : new String[] {"a", "a", "b", "b", "big", "big", "big"}) {
      limits.acquire(tenant);
    }

    assertThat(meters.get(TenantWriteLimits.REFUSALS).tag("limit", "default").counter().count())
        .isEqualTo(2);
    assertThat(meters.get(TenantWriteLimits.REFUSALS).tag("limit", "override").counter().count())
        .isEqualTo(2);
    assertThat(meters.getMeters())
        .allSatisfy(meter -> assertThat(meter.getId().getTags()).hasSize(1));
  }
}
