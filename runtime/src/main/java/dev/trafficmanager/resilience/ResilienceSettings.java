package dev.trafficmanager.resilience;

import dev.trafficmanager.config.Settings;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Every resilience setting of a process: one circuit breaker per {@link Dependency}, the size of
 * the retry budgets (one per dependency, all the same size), how a request is retried and the
 * bulkhead limits. Each part reads its own {@code TM_*} variables, declared as constants on {@link
 * BreakerSettings}, {@link RetryBudgetSettings}, {@link RetrySettings} and {@link
 * BulkheadSettings}; a bad value fails {@link #from(Settings)} with an {@link
 * dev.trafficmanager.config.InvalidSettingException} that names the variable.
 */
public record ResilienceSettings(
    Map<Dependency, BreakerSettings> breakers,
    RetryBudgetSettings retryBudget,
    RetrySettings retry,
    BulkheadSettings bulkheads) {

  /**
   * @throws IllegalArgumentException unless there is a breaker for every dependency
   */
  public ResilienceSettings {
    Objects.requireNonNull(retryBudget, "retryBudget");
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(bulkheads, "bulkheads");
    breakers = Map.copyOf(breakers);
    for (Dependency dependency : Dependency.values()) {
      if (!breakers.containsKey(dependency)) {
        throw new IllegalArgumentException("no breaker settings for " + dependency);
      }
    }
  }

  public static ResilienceSettings from(Settings settings) {
    Map<Dependency, BreakerSettings> breakers = new EnumMap<>(Dependency.class);
    for (Dependency dependency : Dependency.values()) {
      breakers.put(dependency, BreakerSettings.from(settings, dependency));
    }
    return new ResilienceSettings(
        breakers,
        RetryBudgetSettings.from(settings),
        RetrySettings.from(settings),
        BulkheadSettings.from(settings));
  }

  /** The settings with no variable set: the design brief's numbers. */
  public static ResilienceSettings defaults() {
    return from(new Settings(Map.of()));
  }

  public BreakerSettings breaker(Dependency dependency) {
    return breakers.get(dependency);
  }
}
