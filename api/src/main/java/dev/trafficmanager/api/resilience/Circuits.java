package dev.trafficmanager.api.resilience;

import dev.trafficmanager.resilience.Dependency;
import dev.trafficmanager.resilience.Resilience;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The process's circuit breakers as the API uses them, with the one thing resilience4j does not
 * tell: how long an open breaker goes on refusing calls. That is the {@code Retry-After} of a 503,
 * and how long the outbox relay and the database watch wait before they probe again.
 *
 * <p>Openings are seen through the breakers' state-transition events from the moment this object
 * exists; a breaker found open without a seen opening (it opened earlier, in a shared process) is
 * taken to have just opened. An open breaker whose wait is over lets the next call through as a
 * probe (it turns half-open lazily, on that call).
 */
public final class Circuits {
  private final Resilience resilience;
  private final Clock clock;
  private final Map<Dependency, AtomicReference<Instant>> openedAt =
      new EnumMap<>(Dependency.class);

  public Circuits(Resilience resilience, Clock clock) {
    this.resilience = resilience;
    this.clock = clock;
    for (Dependency dependency : Dependency.values()) {
      AtomicReference<Instant> opened = new AtomicReference<>();
      openedAt.put(dependency, opened);
      resilience
          .breaker(dependency)
          .getEventPublisher()
          .onStateTransition(
              event -> {
                if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                  opened.set(clock.instant());
                }
              });
    }
  }

  public CircuitBreaker breaker(Dependency dependency) {
    return resilience.breaker(dependency);
  }

  /**
   * How long the dependency's breaker still refuses every call: zero unless it is open (or forced
   * open), zero too once its wait is over.
   */
  public Duration untilProbe(Dependency dependency) {
    CircuitBreaker.State state = breaker(dependency).getState();
    if (state != CircuitBreaker.State.OPEN && state != CircuitBreaker.State.FORCED_OPEN) {
      return Duration.ZERO;
    }
    Duration wait = resilience.settings().breaker(dependency).waitInOpenState();
    Instant opened = openedAt.get(dependency).get();
    if (opened == null || state == CircuitBreaker.State.FORCED_OPEN) {
      return wait;
    }
    Duration left = Duration.between(clock.instant(), opened.plus(wait));
    return left.isNegative() ? Duration.ZERO : left;
  }

  /**
   * The {@code Retry-After} for a call the named breaker refused: the whole seconds until it lets a
   * probe through, at least 1.
   */
  public long retryAfterSeconds(String breakerName) {
    return dependencyNamed(breakerName)
        .map(this::untilProbe)
        .map(wait -> Math.max(1, (wait.toMillis() + 999) / 1000))
        .orElse(1L);
  }

  private static Optional<Dependency> dependencyNamed(String breakerName) {
    for (Dependency dependency : Dependency.values()) {
      if (dependency.wireName().equals(breakerName)) {
        return Optional.of(dependency);
      }
    }
    return Optional.empty();
  }
}
