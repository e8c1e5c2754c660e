package dev.trafficmanager.resilience;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The resilience state of one process, built once and shared by every service in it: one circuit
 * breaker, one {@link RetryBudget} and one {@link Retrier} per {@link Dependency}, and one bulkhead
 * per {@link Compartment}. Sharing is the point — the api and the consumers of one process must see
 * the same breaker open and draw on the same budget.
 *
 * <p>Breakers are resilience4j {@link CircuitBreaker}s named by {@link Dependency#wireName()}
 * ({@code postgresql}, {@code redis}, {@code kafka}) with a time-based sliding window; an open
 * breaker moves to half-open lazily, on the first call after its wait (no scheduler thread). They
 * throw {@link CallNotPermittedException} without a stack trace while open. Bulkheads are
 * resilience4j semaphore {@link Bulkhead}s named {@code reads}, {@code writes}, {@code audit}; a
 * call that finds no free place within the configured wait gets a {@link BulkheadFullException}
 * (the api answers it with 503 and {@code Retry-After}).
 *
 * <p>Metrics, bound to the registry handed in (Prometheus names):
 *
 * <ul>
 *   <li>{@code resilience4j_circuitbreaker_state{name,state}} (1 for the current state), {@code
 *       resilience4j_circuitbreaker_failure_rate{name}}, {@code
 *       resilience4j_circuitbreaker_buffered_calls{name,kind}}, {@code
 *       resilience4j_circuitbreaker_calls_seconds{name,kind}}, {@code
 *       resilience4j_circuitbreaker_not_permitted_calls_total{name,kind}}, slow-call metrics;
 *   <li>{@code resilience4j_bulkhead_available_concurrent_calls{name}}, {@code
 *       resilience4j_bulkhead_max_allowed_concurrent_calls{name}};
 *   <li>{@code tm_retry_budget_balance{dependency}}, {@code
 *       tm_retry_budget_deposits_total{dependency}}, {@code
 *       tm_retry_budget_withdrawals_total{dependency}}, {@code
 *       tm_retry_budget_rejections_total{dependency}}.
 * </ul>
 */
public final class Resilience {
  private final ResilienceSettings settings;
  private final Map<Dependency, CircuitBreaker> breakers = new EnumMap<>(Dependency.class);
  private final Map<Dependency, RetryBudget> budgets = new EnumMap<>(Dependency.class);
  private final Map<Dependency, Retrier> retriers = new EnumMap<>(Dependency.class);
  private final Map<Compartment, Bulkhead> bulkheads = new EnumMap<>(Compartment.class);

  /**
   * @param clock drives the breakers' windows and open-state waits and the budgets' windows
   * @param sleeper waits between retries
   * @param random the backoff's jitter, values in {@code [0, 1)}
   */
  public Resilience(
      ResilienceSettings settings,
      MeterRegistry meters,
      Clock clock,
      Sleeper sleeper,
      DoubleSupplier random) {
    this.settings = Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(meters, "meters");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(sleeper, "sleeper");
    RetrySettings retry = settings.retry();
    Backoff backoff = new Backoff(retry.backoffBase(), retry.backoffMax(), random);

    CircuitBreakerRegistry breakerRegistry = CircuitBreakerRegistry.ofDefaults();
    BulkheadRegistry bulkheadRegistry = BulkheadRegistry.ofDefaults();
    for (Dependency dependency : Dependency.values()) {
      CircuitBreaker breaker =
          breakerRegistry.circuitBreaker(
              dependency.wireName(), breakerConfig(settings.breaker(dependency), clock));
      RetryBudget budget = new RetryBudget(settings.retryBudget(), clock);
      breakers.put(dependency, breaker);
      budgets.put(dependency, budget);
      retriers.put(
          dependency,
          new Retrier(dependency, breaker, budget, backoff, retry.maxAttempts(), sleeper));
    }
    for (Compartment compartment : Compartment.values()) {
      bulkheads.put(
          compartment,
          bulkheadRegistry.bulkhead(
              compartment.wireName(), bulkheadConfig(settings.bulkheads(), compartment)));
    }

    TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakerRegistry).bindTo(meters);
    TaggedBulkheadMetrics.ofBulkheadRegistry(bulkheadRegistry).bindTo(meters);
    new RetryBudgetMetrics(budgets).bindTo(meters);
  }

  /** The production wiring: the system clock, sleeping threads, thread-local randomness. */
  public static Resilience create(ResilienceSettings settings, MeterRegistry meters) {
    return new Resilience(
        settings,
        meters,
        Clock.systemUTC(),
        Sleeper.threadSleep(),
        () -> ThreadLocalRandom.current().nextDouble());
  }

  public ResilienceSettings settings() {
    return settings;
  }

  public CircuitBreaker breaker(Dependency dependency) {
    return breakers.get(dependency);
  }

  public RetryBudget budget(Dependency dependency) {
    return budgets.get(dependency);
  }

  public Bulkhead bulkhead(Compartment compartment) {
    return bulkheads.get(compartment);
  }

  /**
   * Runs {@code action} against {@code dependency} through its {@link Retrier}: breaker, budget,
   * bounded retries with backoff. See {@link Retrier#call}.
   */
  public <T> T call(
      Dependency dependency, Predicate<? super RuntimeException> isTransient, Supplier<T> action) {
    return retriers.get(dependency).call(isTransient, action);
  }

  private static CircuitBreakerConfig breakerConfig(BreakerSettings breaker, Clock clock) {
    return CircuitBreakerConfig.custom()
        .failureRateThreshold(breaker.failureRateThreshold())
        .slidingWindow(
            (int) breaker.slidingWindow().toSeconds(),
            breaker.minimumCalls(),
            SlidingWindowType.TIME_BASED)
        .waitDurationInOpenState(breaker.waitInOpenState())
        .permittedNumberOfCallsInHalfOpenState(breaker.permittedCallsInHalfOpenState())
        // Refusals are the fast path of an outage: no stack trace to fill in.
        .writableStackTraceEnabled(false)
        .clock(clock)
        .build();
  }

  private static BulkheadConfig bulkheadConfig(BulkheadSettings settings, Compartment compartment) {
    return BulkheadConfig.custom()
        .maxConcurrentCalls(settings.limit(compartment))
        .maxWaitDuration(settings.maxWait())
        .writableStackTraceEnabled(false)
        .build();
  }
}
