package dev.trafficmanager.health;

import dev.trafficmanager.resilience.Compartment;
import dev.trafficmanager.resilience.Dependency;
import dev.trafficmanager.resilience.Resilience;
import dev.trafficmanager.resilience.RetryBudget;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Aggregates a process's health checks, draining state and resilience state into the two documents
 * its health endpoints serve: {@link #readiness()} for {@code /health/ready} and {@link
 * #resilience()} for {@code /health/resilience}. Plain records, each with a {@code toMap()} that is
 * the JSON body (snake_case keys, lower-case states); serving them is the caller's job.
 *
 * <p>Readiness rules: the process is {@link HealthStatus#DOWN} (unready: answer 503) while it is
 * draining or while any <em>required</em> component is DOWN; it is {@link HealthStatus#DEGRADED}
 * (still ready) while a required component is DEGRADED or an <em>optional</em> one (Redis: the
 * cache is an optimisation) is not UP; otherwise {@link HealthStatus#UP}.
 */
public final class HealthReport {
  private final Resilience resilience;
  private final Draining draining;
  private final List<Registered> checks;

  private HealthReport(Resilience resilience, Draining draining, List<Registered> checks) {
    this.resilience = resilience;
    this.draining = draining;
    this.checks = List.copyOf(checks);
  }

  public static Builder builder(Resilience resilience, Draining draining) {
    return new Builder(resilience, draining);
  }

  /** Runs every check, in the order they were added, on the calling thread. */
  public Readiness readiness() {
    List<ComponentHealth> components = new ArrayList<>(checks.size());
    HealthStatus overall = HealthStatus.UP;
    for (Registered registered : checks) {
      ComponentHealth health = registered.run();
      components.add(health);
      HealthStatus effect =
          registered.required || health.status() == HealthStatus.UP
              ? health.status()
              : HealthStatus.DEGRADED;
      overall = worse(overall, effect);
    }
    boolean isDraining = draining.isDraining();
    if (isDraining) {
      overall = HealthStatus.DOWN;
    }
    return new Readiness(overall, isDraining, components);
  }

  /** A snapshot of every breaker, bulkhead and retry budget, the draining switch and in-flight. */
  public ResilienceState resilience() {
    List<BreakerState> breakers = new ArrayList<>();
    List<BudgetState> budgets = new ArrayList<>();
    for (Dependency dependency : Dependency.values()) {
      CircuitBreaker breaker = resilience.breaker(dependency);
      CircuitBreaker.Metrics metrics = breaker.getMetrics();
      breakers.add(
          new BreakerState(
              breaker.getName(),
              breaker.getState(),
              metrics.getFailureRate(),
              metrics.getNumberOfBufferedCalls(),
              metrics.getNumberOfFailedCalls(),
              metrics.getNumberOfNotPermittedCalls()));
      RetryBudget budget = resilience.budget(dependency);
      budgets.add(
          new BudgetState(
              dependency.wireName(),
              budget.balance(),
              budget.deposits(),
              budget.withdrawals(),
              budget.rejections()));
    }
    List<BulkheadState> bulkheads = new ArrayList<>();
    for (Compartment compartment : Compartment.values()) {
      Bulkhead bulkhead = resilience.bulkhead(compartment);
      bulkheads.add(
          new BulkheadState(
              bulkhead.getName(),
              bulkhead.getMetrics().getAvailableConcurrentCalls(),
              bulkhead.getMetrics().getMaxAllowedConcurrentCalls()));
    }
    return new ResilienceState(
        breakers, bulkheads, budgets, draining.isDraining(), draining.inFlight());
  }

  private static HealthStatus worse(HealthStatus a, HealthStatus b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /** Collects the checks; each is required (DOWN makes the process unready) or optional. */
  public static final class Builder {
    private final Resilience resilience;
    private final Draining draining;
    private final List<Registered> checks = new ArrayList<>();

    private Builder(Resilience resilience, Draining draining) {
      this.resilience = Objects.requireNonNull(resilience, "resilience");
      this.draining = Objects.requireNonNull(draining, "draining");
    }

    /** A component the process cannot serve without; reported under {@code name}. */
    public Builder required(String name, HealthCheck check) {
      checks.add(new Registered(name, check, true));
      return this;
    }

    /** A component the process degrades without (Redis); reported under {@code name}. */
    public Builder optional(String name, HealthCheck check) {
      checks.add(new Registered(name, check, false));
      return this;
    }

    public HealthReport build() {
      return new HealthReport(resilience, draining, checks);
    }
  }

  /**
   * The body of {@code /health/ready}: ready unless {@link HealthStatus#DOWN}.
   *
   * @param components each check's result, in the order the checks were added
   */
  public record Readiness(HealthStatus status, boolean draining, List<ComponentHealth> components) {
    public Readiness {
      Objects.requireNonNull(status, "status");
      components = List.copyOf(components);
    }

    /** Whether the load balancer should send traffic: 200 if true, 503 if not. */
    public boolean ready() {
      return status != HealthStatus.DOWN;
    }

    public Map<String, Object> toMap() {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("status", lower(status));
      map.put("ready", ready());
      map.put("draining", draining);
      map.put("components", components.stream().map(ComponentHealth::toMap).toList());
      return map;
    }
  }

  /** The body of {@code /health/resilience}. */
  public record ResilienceState(
      List<BreakerState> breakers,
      List<BulkheadState> bulkheads,
      List<BudgetState> retryBudgets,
      boolean draining,
      int inFlight) {
    public ResilienceState {
      breakers = List.copyOf(breakers);
      bulkheads = List.copyOf(bulkheads);
      retryBudgets = List.copyOf(retryBudgets);
    }

    public Map<String, Object> toMap() {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("circuit_breakers", breakers.stream().map(BreakerState::toMap).toList());
      map.put("bulkheads", bulkheads.stream().map(BulkheadState::toMap).toList());
      map.put("retry_budgets", retryBudgets.stream().map(BudgetState::toMap).toList());
      map.put("draining", draining);
      map.put("in_flight", inFlight);
      return map;
    }
  }

  /**
   * One breaker.
   *
   * @param failureRate percent of failed calls in the window, or -1 while fewer than the minimum
   *     number of calls were recorded (resilience4j's convention)
   */
  public record BreakerState(
      String name,
      CircuitBreaker.State state,
      float failureRate,
      int bufferedCalls,
      int failedCalls,
      long notPermittedCalls) {
    public Map<String, Object> toMap() {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("name", name);
      map.put("state", lower(state));
      map.put("failure_rate", failureRate);
      map.put("buffered_calls", bufferedCalls);
      map.put("failed_calls", failedCalls);
      map.put("not_permitted_calls", notPermittedCalls);
      return map;
    }
  }

  /** One bulkhead: how many of its places are free now, of how many. */
  public record BulkheadState(String name, int availableConcurrentCalls, int maxConcurrentCalls) {
    public Map<String, Object> toMap() {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("name", name);
      map.put("available_concurrent_calls", availableConcurrentCalls);
      map.put("max_concurrent_calls", maxConcurrentCalls);
      map.put("in_use", maxConcurrentCalls - availableConcurrentCalls);
      return map;
    }
  }

  /** One retry budget: the retries it allows now and its counters since start. */
  public record BudgetState(
      String dependency, long balance, long deposits, long withdrawals, long rejections) {
    public Map<String, Object> toMap() {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("dependency", dependency);
      map.put("balance", balance);
      map.put("deposits", deposits);
      map.put("withdrawals", withdrawals);
      map.put("rejections", rejections);
      return map;
    }
  }

  private record Registered(String name, HealthCheck check, boolean required) {
    Registered {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(check, "check");
    }

    ComponentHealth run() {
      try {
        ComponentHealth health = check.check();
        return health == null
            ? ComponentHealth.down(name, "the check returned nothing")
            : health.named(name);
      } catch (RuntimeException e) {
        return ComponentHealth.down(name, String.valueOf(e));
      }
    }
  }

  private static String lower(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }
}
