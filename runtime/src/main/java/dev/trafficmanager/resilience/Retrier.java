package dev.trafficmanager.resilience;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs calls to one {@link Dependency} through its circuit breaker and retry budget, on the calling
 * thread. For each logical request:
 *
 * <ol>
 *   <li>deposits once in the dependency's {@link RetryBudget};
 *   <li>asks the breaker for permission: if it is open the call fails fast with {@link
 *       CallNotPermittedException} and the action is not run;
 *   <li>runs the action. A result is recorded on the breaker as a success. A failure the caller's
 *       predicate calls <em>transient</em> (the dependency is unreachable, timed out, overloaded)
 *       is recorded as a failure; any other exception (bad input, a conflict, a bug) propagates at
 *       once and the breaker ignores it, because it says nothing about the dependency's health;
 *   <li>after a transient failure, retries while all of these hold: fewer than {@code maxAttempts}
 *       attempts were made, the budget grants a withdrawal (a refusal is counted by the budget),
 *       and, after the {@link Backoff} wait, the breaker still permits the call. Otherwise the last
 *       transient failure is thrown.
 * </ol>
 *
 * An interrupt during the wait ends the retries: the last failure is thrown with the thread's
 * interrupt flag set. The action must bound its own duration (statement timeout, command timeout):
 * the retrier adds no timeout of its own. Thread-safe; share one per dependency.
 */
public final class Retrier {
  private static final Logger log = LoggerFactory.getLogger(Retrier.class);

  private final Dependency dependency;
  private final CircuitBreaker breaker;
  private final RetryBudget budget;
  private final Backoff backoff;
  private final int maxAttempts;
  private final Sleeper sleeper;

  public Retrier(
      Dependency dependency,
      CircuitBreaker breaker,
      RetryBudget budget,
      Backoff backoff,
      int maxAttempts,
      Sleeper sleeper) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1: " + maxAttempts);
    }
    this.dependency = Objects.requireNonNull(dependency, "dependency");
    this.breaker = Objects.requireNonNull(breaker, "breaker");
    this.budget = Objects.requireNonNull(budget, "budget");
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    this.maxAttempts = maxAttempts;
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
  }

  /**
   * @param isTransient true for failures that mean the dependency is failing and that another
   *     attempt may cure
   * @return the action's result
   * @throws CallNotPermittedException if the breaker refused the first attempt
   * @throws RuntimeException the action's non-transient failure, or its last transient one
   */
  public <T> T call(Predicate<? super RuntimeException> isTransient, Supplier<T> action) {
    Objects.requireNonNull(isTransient, "isTransient");
    Objects.requireNonNull(action, "action");
    budget.deposit();
    breaker.acquirePermission();
    for (int attempt = 1; ; attempt++) {
      RuntimeException failure;
      long start = System.nanoTime();
      try {
        T result = action.get();
        breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        return result;
      } catch (RuntimeException e) {
        if (!isTransient.test(e)) {
          breaker.releasePermission();
          throw e;
        }
        breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
        failure = e;
      } catch (Error e) {
        breaker.releasePermission();
        throw e;
      }
      if (attempt >= maxAttempts) {
        throw failure;
      }
      if (!budget.tryWithdraw()) {
        log.debug("retry budget exhausted dependency={} attempt={}", dependency, attempt);
        throw failure;
      }
      try {
        sleeper.sleep(backoff.delay(attempt - 1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw failure;
      }
      if (!breaker.tryAcquirePermission()) {
        throw failure;
      }
    }
  }

  /** {@link #call} for an action without a result. */
  public void run(Predicate<? super RuntimeException> isTransient, Runnable action) {
    Objects.requireNonNull(action, "action");
    call(
        isTransient,
        () -> {
          action.run();
          return null;
        });
  }

  public Dependency dependency() {
    return dependency;
  }
}
