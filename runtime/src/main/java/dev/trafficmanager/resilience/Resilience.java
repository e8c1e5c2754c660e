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
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.functions.Either;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resilience state of one process, built once and shared by every service in it: one circuit
 * breaker, one {@link RetryBudget} and one resilience4j {@link Retry} per {@link Dependency}, and
 * one bulkhead per {@link Compartment}. Sharing is the point — the api and the consumers of one
 * process must see the same breaker open and draw on the same budget.
 *
 * <p>Breakers are resilience4j {@link CircuitBreaker}s named by {@link Dependency#wireName()}
 * ({@code postgresql}, {@code redis}, {@code kafka}) with a time-based sliding window. Which
 * failures a breaker records is its dependency's {@link OutageRule}, part of its config: outages
 * are failed calls, any other failure is ignored. A dependency without a rule counts every failure
 * as an outage. An open breaker moves to half-open lazily, on the first call after its wait (no
 * scheduler thread). They throw {@link CallNotPermittedException} without a stack trace while open.
 * Bulkheads are resilience4j semaphore {@link Bulkhead}s named {@code reads}, {@code writes},
 * {@code audit}; a call that finds no free place within the configured wait gets a {@link
 * BulkheadFullException} (the api answers it with 503 and {@code Retry-After}).
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
 *   <li>{@code resilience4j_retry_calls_total{name,kind}}: requests that succeeded with or without
 *       a retry, and that failed with or without one;
 *   <li>{@code tm_retry_budget_balance{dependency}}, {@code
 *       tm_retry_budget_deposits_total{dependency}}, {@code
 *       tm_retry_budget_withdrawals_total{dependency}}, {@code
 *       tm_retry_budget_rejections_total{dependency}}.
 * </ul>
 */
public final class Resilience {
  private static final Logger log = LoggerFactory.getLogger(Resilience.class);

  private final ResilienceSettings settings;
  private final Map<Dependency, CircuitBreaker> breakers = new EnumMap<>(Dependency.class);
  private final Map<Dependency, RetryBudget> budgets = new EnumMap<>(Dependency.class);
  private final Map<Dependency, Retry> retries = new EnumMap<>(Dependency.class);
  private final Map<Compartment, Bulkhead> bulkheads = new EnumMap<>(Compartment.class);

  /**
   * @param clock drives the breakers' windows and open-state waits and the budgets' windows
   * @param random the backoff's jitter, values in {@code [0, 1)}
   * @param rules at most one per dependency; a dependency without one counts every failure
   * @throws IllegalArgumentException if two rules name the same dependency
   */
  public Resilience(
      ResilienceSettings settings,
      MeterRegistry meters,
      Clock clock,
      DoubleSupplier random,
      Collection<OutageRule> rules) {
    this.settings = Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(meters, "meters");
    Objects.requireNonNull(clock, "clock");
    Map<Dependency, OutageRule> outages = byDependency(rules);
    RetrySettings retry = settings.retry();
    Backoff backoff = new Backoff(retry.backoffBase(), retry.backoffMax(), random);

    CircuitBreakerRegistry breakerRegistry = CircuitBreakerRegistry.ofDefaults();
    BulkheadRegistry bulkheadRegistry = BulkheadRegistry.ofDefaults();
    RetryRegistry retryRegistry = RetryRegistry.ofDefaults();
    for (Dependency dependency : Dependency.values()) {
      OutageRule outage = outages.get(dependency);
      CircuitBreaker breaker =
          breakerRegistry.circuitBreaker(
              dependency.wireName(), breakerConfig(settings.breaker(dependency), outage, clock));
      RetryBudget budget = new RetryBudget(settings.retryBudget(), clock);
      breakers.put(dependency, breaker);
      budgets.put(dependency, budget);
      retries.put(
          dependency,
          retryRegistry.retry(
              dependency.wireName(),
              retryConfig(retry.maxAttempts(), outage, new Pacing(breaker, budget, backoff))));
    }
    for (Compartment compartment : Compartment.values()) {
      bulkheads.put(
          compartment,
          bulkheadRegistry.bulkhead(
              compartment.wireName(), bulkheadConfig(settings.bulkheads(), compartment)));
    }

    TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakerRegistry).bindTo(meters);
    TaggedBulkheadMetrics.ofBulkheadRegistry(bulkheadRegistry).bindTo(meters);
    TaggedRetryMetrics.ofRetryRegistry(retryRegistry).bindTo(meters);
    new RetryBudgetMetrics(budgets).bindTo(meters);
  }

  /** The production wiring: the system clock, thread-local randomness. */
  public static Resilience create(
      ResilienceSettings settings, MeterRegistry meters, Collection<OutageRule> rules) {
    return new Resilience(
        settings, meters, Clock.systemUTC(), () -> ThreadLocalRandom.current().nextDouble(), rules);
  }

  /** {@link #create(ResilienceSettings, MeterRegistry, Collection)} with no rules. */
  public static Resilience create(ResilienceSettings settings, MeterRegistry meters) {
    return create(settings, meters, List.of());
  }

  public ResilienceSettings settings() {
    return settings;
  }

  public CircuitBreaker breaker(Dependency dependency) {
    return breakers.get(dependency);
  }

  /** The dependency's retry, as {@link #call} uses it; for its events and metrics. */
  public Retry retry(Dependency dependency) {
    return retries.get(dependency);
  }

  public RetryBudget budget(Dependency dependency) {
    return budgets.get(dependency);
  }

  public Bulkhead bulkhead(Compartment compartment) {
    return bulkheads.get(compartment);
  }

  /**
   * Runs one request to {@code dependency} on the calling thread, each attempt through its circuit
   * breaker, retried by its resilience4j {@link Retry}:
   *
   * <ol>
   *   <li>deposits once in the dependency's {@link RetryBudget};
   *   <li>an attempt the open breaker refuses fails with {@link CallNotPermittedException} without
   *       running the action;
   *   <li>a failure that is not an outage (by the dependency's {@link OutageRule}: bad input, a
   *       conflict, a bug) propagates at once, ignored by the breaker;
   *   <li>after an outage that its rule {@link OutageRule#retries retries}, retries while all of
   *       these hold: fewer than {@code maxAttempts} attempts were made, the breaker is not open,
   *       and the budget grants a withdrawal (a refusal is counted by the budget). Otherwise the
   *       last outage is thrown. Between attempts the thread waits a {@link Backoff} delay; an
   *       interrupt during the wait ends the retries with the last outage and the interrupt flag
   *       set.
   * </ol>
   *
   * The budget is charged only for retries that happen: never for the first attempt, never for a
   * retry that the attempt limit or the breaker forbids. The action must bound its own duration
   * (statement timeout, command timeout): no timeout is added here.
   *
   * @throws CallNotPermittedException if the breaker refused the first attempt, or refused a retry
   *     after its wait (it opened meanwhile, from another thread)
   * @throws RuntimeException the action's failure that is not an outage, or its last outage
   */
  public <T> T call(Dependency dependency, Supplier<T> action) {
    Objects.requireNonNull(action, "action");
    budgets.get(dependency).deposit();
    return retries
        .get(dependency)
        .executeSupplier(breakers.get(dependency).decorateSupplier(action));
  }

  private static Map<Dependency, OutageRule> byDependency(Collection<OutageRule> rules) {
    Map<Dependency, OutageRule> outages = new EnumMap<>(Dependency.class);
    for (OutageRule rule : rules) {
      if (outages.put(rule.dependency(), rule) != null) {
        throw new IllegalArgumentException("two outage rules for " + rule.dependency());
      }
    }
    for (Dependency dependency : Dependency.values()) {
      outages.computeIfAbsent(dependency, OutageRule::everyFailure);
    }
    return outages;
  }

  private static RetryConfig retryConfig(int maxAttempts, OutageRule outage, Pacing pacing) {
    return RetryConfig.custom()
        .maxAttempts(maxAttempts)
        // A refusal of the breaker is no outage: it is thrown as it is, not retried.
        .retryOnException(outage::retries)
        .intervalBiFunction(pacing)
        .build();
  }

  /**
   * Decides, once resilience4j has decided that an outage may be retried, whether it is: the
   * breaker must not be open and the budget must grant the retry; then the wait is the backoff's. A
   * retry refused here ends the retrying with the last outage, thrown as it is (resilience4j asks
   * this function only when another attempt would follow, so the budget pays only for real
   * retries).
   */
  private record Pacing(CircuitBreaker breaker, RetryBudget budget, Backoff backoff)
      implements IntervalBiFunction<Object> {
    @Override
    public Long apply(Integer attempts, Either<Throwable, Object> outcome) {
      Throwable last = outcome.isLeft() ? outcome.getLeft() : null;
      if (!(last instanceof RuntimeException failure)) {
        // Only a failure is retried here (no result is ever retried): nothing to stop.
        return backoff.delay(attempts - 1).toMillis();
      }
      CircuitBreaker.State state = breaker.getState();
      if (state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN) {
        throw failure;
      }
      if (!budget.tryWithdraw()) {
        log.debug("retry budget exhausted dependency={} attempts={}", breaker.getName(), attempts);
        throw failure;
      }
      return backoff.delay(attempts - 1).toMillis();
    }
  }

  private static CircuitBreakerConfig breakerConfig(
      BreakerSettings breaker, OutageRule outage, Clock clock) {
    return outage
        .applyTo(CircuitBreakerConfig.custom())
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
