package dev.trafficmanager.health;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Tells how one component is now. A check must answer quickly and bound its own waiting (a ping
 * with a timeout, or better, state the component already keeps): the report calls checks one after
 * another on the caller's thread. A check that throws is reported as {@link HealthStatus#DOWN} with
 * the exception as reason.
 */
@FunctionalInterface
public interface HealthCheck {
  ComponentHealth check();

  /**
   * A check that reads a circuit breaker's state instead of calling the dependency: closed is
   * {@link HealthStatus#UP}, half-open {@link HealthStatus#DEGRADED}, open {@link
   * HealthStatus#DOWN}. It costs nothing, and it answers what readiness asks — is the dependency
   * answering this process's calls?
   */
  static HealthCheck of(CircuitBreaker breaker) {
    return () -> {
      CircuitBreaker.State state = breaker.getState();
      HealthStatus status =
          switch (state) {
            case OPEN, FORCED_OPEN -> HealthStatus.DOWN;
            case HALF_OPEN -> HealthStatus.DEGRADED;
            case CLOSED, DISABLED, METRICS_ONLY -> HealthStatus.UP;
          };
      Map<String, Object> detail = new LinkedHashMap<>();
      detail.put("circuit_breaker", state.name().toLowerCase(Locale.ROOT));
      detail.put("failure_rate", breaker.getMetrics().getFailureRate());
      return new ComponentHealth(breaker.getName(), status, detail);
    };
  }
}
