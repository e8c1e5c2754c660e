package dev.trafficmanager.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.trafficmanager.resilience.Dependency;
import dev.trafficmanager.resilience.Resilience;
import dev.trafficmanager.resilience.ResilienceSettings;
import dev.trafficmanager.time.MutableClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthReportTest {
  private final Resilience resilience =
      new Resilience(
          ResilienceSettings.defaults(),
          new SimpleMeterRegistry(),
          new MutableClock(),
          () -> 0.5,
          List.of());
  private final Draining draining = new Draining();

  @Test
  void everythingUpIsReady() {
    HealthReport.Readiness readiness = report(HealthStatus.UP, HealthStatus.UP).readiness();

    assertThat(readiness.status()).isEqualTo(HealthStatus.UP);
    assertThat(readiness.ready()).isTrue();
  }

  @Test
  void redisDownAloneDegradesButStaysReady() {
    HealthReport.Readiness readiness = report(HealthStatus.UP, HealthStatus.DOWN).readiness();

    assertThat(readiness.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(readiness.ready()).isTrue();
    assertThat(readiness.components())
        .extracting(ComponentHealth::name, ComponentHealth::status)
        .containsExactly(tuple("postgresql", HealthStatus.UP), tuple("redis", HealthStatus.DOWN));
  }

  @Test
  void aRequiredComponentDownMakesTheProcessUnready() {
    HealthReport.Readiness readiness = report(HealthStatus.DOWN, HealthStatus.UP).readiness();

    assertThat(readiness.status()).isEqualTo(HealthStatus.DOWN);
    assertThat(readiness.ready()).isFalse();
  }

  @Test
  void aRequiredComponentDegradedKeepsTheProcessReady() {
    HealthReport.Readiness readiness = report(HealthStatus.DEGRADED, HealthStatus.UP).readiness();

    assertThat(readiness.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(readiness.ready()).isTrue();
  }

  @Test
  void drainingMakesTheProcessUnreadyAtOnce() {
    HealthReport report = report(HealthStatus.UP, HealthStatus.UP);

    draining.startDraining();

    HealthReport.Readiness readiness = report.readiness();
    assertThat(readiness.ready()).isFalse();
    assertThat(readiness.draining()).isTrue();
    assertThat(readiness.toMap()).containsEntry("status", "down").containsEntry("draining", true);
  }

  @Test
  void aCheckThatThrowsIsReportedDownUnderItsRegisteredName() {
    HealthReport report =
        HealthReport.builder(resilience, draining)
            .required(
                "postgresql",
                () -> {
                  throw new IllegalStateException("connection refused");
                })
            .build();

    HealthReport.Readiness readiness = report.readiness();

    assertThat(readiness.ready()).isFalse();
    assertThat(readiness.components().get(0).name()).isEqualTo("postgresql");
    assertThat(readiness.components().get(0).detail().get("reason").toString())
        .contains("connection refused");
  }

  @Test
  void aBreakerCheckFollowsTheBreakersState() {
    CircuitBreaker breaker = resilience.breaker(Dependency.KAFKA);
    HealthCheck check = HealthCheck.of(breaker);
    assertThat(check.check().status()).isEqualTo(HealthStatus.UP);

    breaker.transitionToOpenState();
    assertThat(check.check().status()).isEqualTo(HealthStatus.DOWN);
    assertThat(check.check().detail()).containsEntry("circuit_breaker", "open");

    breaker.transitionToHalfOpenState();
    assertThat(check.check().status()).isEqualTo(HealthStatus.DEGRADED);
  }

  @Test
  void theResilienceReportShowsEveryBreakerBulkheadAndBudget() {
    resilience.breaker(Dependency.DATABASE).transitionToOpenState();
    resilience.budget(Dependency.REDIS).deposit();
    try (Draining.InFlight request = draining.enter()) {
      Map<String, Object> body =
          HealthReport.builder(resilience, draining).build().resilience().toMap();

      assertThat(body)
          .containsEntry("draining", false)
          .containsEntry("in_flight", 1)
          .containsKeys("circuit_breakers", "bulkheads", "retry_budgets");
      assertThat(list(body, "circuit_breakers"))
          .extracting(m -> m.get("name"), m -> m.get("state"))
          .containsExactly(
              tuple("postgresql", "open"), tuple("redis", "closed"), tuple("kafka", "closed"));
      assertThat(list(body, "circuit_breakers").get(0))
          .containsKeys("failure_rate", "buffered_calls", "failed_calls", "not_permitted_calls");
      assertThat(list(body, "bulkheads"))
          .extracting(m -> m.get("name"), m -> m.get("max_concurrent_calls"), m -> m.get("in_use"))
          .containsExactly(tuple("reads", 20, 0), tuple("writes", 10, 0), tuple("audit", 10, 0));
      assertThat(list(body, "retry_budgets"))
          .extracting(m -> m.get("dependency"), m -> m.get("balance"), m -> m.get("deposits"))
          .containsExactly(
              tuple("postgresql", 100L, 0L), tuple("redis", 100L, 1L), tuple("kafka", 100L, 0L));
    }
  }

  private HealthReport report(HealthStatus database, HealthStatus redis) {
    return HealthReport.builder(resilience, draining)
        .required("postgresql", () -> new ComponentHealth("postgresql", database, Map.of()))
        .optional("redis", () -> new ComponentHealth("redis", redis, Map.of()))
        .build();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Map<String, Object> body, String key) {
    return (List<Map<String, Object>>) body.get(key);
  }
}
