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
 * see the same outage), and which of the handler's failures mean the dependency is unavailable.
 *
 * @param isTransient true for a failure that says the sink is down, unreachable, timed out or
 *     overloaded: an outage, not the record's fault
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

  /** The sink {@code dependency} with the process's breaker and budget for it. */
  public static Sink of(
      Resilience resilience, Dependency dependency, Predicate<RuntimeException> isTransient) {
    return new Sink(
        dependency, resilience.breaker(dependency), resilience.budget(dependency), isTransient);
  }
}
