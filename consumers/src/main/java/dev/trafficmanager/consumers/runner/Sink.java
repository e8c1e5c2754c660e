package dev.trafficmanager.consumers.runner;

import dev.trafficmanager.resilience.Dependency;
import dev.trafficmanager.resilience.Resilience;
import dev.trafficmanager.resilience.RetryBudget;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Where a handler's effect lives, as the {@link ConsumerRunner} guards it: the dependency's circuit
 * breaker and retry budget (the process's shared ones, so the api and the consumers of one process
 * see the same outage), and which of the handler's failures are retried without end rather than
 * dead-lettered.
 *
 * <p>Which failures the breaker records is not decided here: that is the dependency's outage rule,
 * part of the breaker's config (see {@link dev.trafficmanager.resilience.OutageRule}).
 *
 * @param isTransient true for a failure that says the sink cannot do it now — down, unreachable,
 *     timed out, overloaded or busy — not the record's fault: the record is retried, never
 *     dead-lettered
 */
public record Sink(
    Dependency dependency,
    CircuitBreaker breaker,
    RetryBudget budget,
    Predicate<RuntimeException> isTransient) {

  public Sink {
    Objects.requireNonNull(dependency, "dependency");
    Objects.requireNonNull(breaker, "breaker");
    Objects.requireNonNull(budget, "budget");
    Objects.requireNonNull(isTransient, "isTransient");
  }

  /**
   * Whether the sink's breaker would let a call through now, for a runner that waits for the sink
   * before it polls again. The one place that asks the breaker by hand: it takes a permission and
   * gives it back at once, recording nothing, because this is only a question — the call that
   * follows asks again, through the breaker, and is recorded.
   */
  public boolean letsCallsThrough() {
    if (!breaker.tryAcquirePermission()) {
      return false;
    }
    breaker.releasePermission();
    return true;
  }

  /** The sink {@code dependency} with the process's breaker and budget for it. */
  public static Sink of(
      Resilience resilience, Dependency dependency, Predicate<RuntimeException> isTransient) {
    return new Sink(
        dependency, resilience.breaker(dependency), resilience.budget(dependency), isTransient);
  }
}
