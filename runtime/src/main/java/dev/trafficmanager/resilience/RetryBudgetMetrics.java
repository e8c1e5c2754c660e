package dev.trafficmanager.resilience;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Map;

/** Publishes each dependency's retry budget, tagged {@code dependency}. */
final class RetryBudgetMetrics implements MeterBinder {
  static final String BALANCE = "tm.retry.budget.balance";
  static final String DEPOSITS = "tm.retry.budget.deposits";
  static final String WITHDRAWALS = "tm.retry.budget.withdrawals";
  static final String REJECTIONS = "tm.retry.budget.rejections";
  static final String TAG = "dependency";

  private final Map<Dependency, RetryBudget> budgets;

  RetryBudgetMetrics(Map<Dependency, RetryBudget> budgets) {
    this.budgets = Map.copyOf(budgets);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    budgets.forEach(
        (dependency, budget) -> {
          String name = dependency.wireName();
          Gauge.builder(BALANCE, budget, RetryBudget::balance)
              .description("Retries the budget allows now, reserve included")
              .tag(TAG, name)
              .register(registry);
          FunctionCounter.builder(DEPOSITS, budget, RetryBudget::deposits)
              .description("Requests that paid into the retry budget")
              .tag(TAG, name)
              .register(registry);
          FunctionCounter.builder(WITHDRAWALS, budget, RetryBudget::withdrawals)
              .description("Retries the budget allowed")
              .tag(TAG, name)
              .register(registry);
          FunctionCounter.builder(REJECTIONS, budget, RetryBudget::rejections)
              .description("Retries refused because the budget was exhausted")
              .tag(TAG, name)
              .register(registry);
        });
  }
}
