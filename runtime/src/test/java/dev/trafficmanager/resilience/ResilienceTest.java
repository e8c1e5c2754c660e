package dev.trafficmanager.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trafficmanager.config.Settings;
import dev.trafficmanager.kafka.KafkaFailures;
import dev.trafficmanager.time.MutableClock;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;

class ResilienceTest {
  private static final List<OutageRule> UNAVAILABLE =
      Arrays.stream(Dependency.values())
          .map(dependency -> new OutageRule(dependency, Unavailable.class::isInstance))
          .toList();

  private final MutableClock clock = new MutableClock();
  private final List<Duration> waits = new ArrayList<>();
  private final AtomicInteger attempts = new AtomicInteger();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @Test
  void aDependencyFailingEveryCallGetsAtMostTheBudgetedRetries() {
    // A breaker that never opens, so that only the budget stands between an outage and 3 × load.
    Resilience resilience =
        resilience(
            Map.of(BreakerSettings.DB_MIN_CALLS, "1000000", RetrySettings.BACKOFF_BASE, "0ms"));
    int requests = 1_000;

    for (int i = 0; i < requests; i++) {
      assertThatThrownBy(() -> resilience.call(Dependency.DATABASE, this::failing))
          .isInstanceOf(Unavailable.class);
    }

    int floor = 10 * 10;
    assertThat(attempts.get())
        .isGreaterThan(requests)
        .isLessThanOrEqualTo(requests + requests / 5 + floor)
        .isLessThan(3 * requests);
    RetryBudget budget = resilience.budget(Dependency.DATABASE);
    assertThat(budget.withdrawals()).isEqualTo(attempts.get() - requests);
    assertThat(budget.rejections()).isPositive();
    assertThat(resilience.budget(Dependency.REDIS).deposits()).isZero();
  }

  @Test
  void aTransientFailureIsRetriedUntilItSucceeds() {
    Resilience resilience = resilience(Map.of());

    String result =
        resilience.call(
            Dependency.REDIS,
            () -> {
              if (attempts.incrementAndGet() < 3) {
                throw new Unavailable();
              }
              return "cached";
            });

    assertThat(result).isEqualTo("cached");
    assertThat(attempts).hasValue(3);
    assertThat(waits).hasSize(2);
    assertThat(resilience.budget(Dependency.REDIS).withdrawals()).isEqualTo(2);
  }

  @Test
  void requestsAreCountedOnTheRetryMetricByWhetherTheyNeededARetry() {
    Resilience resilience = resilience(Map.of());
    resilience.call(Dependency.REDIS, () -> "first try");
    resilience.call(
        Dependency.REDIS,
        () -> {
          if (attempts.incrementAndGet() < 2) {
            throw new Unavailable();
          }
          return "second try";
        });

    assertThat(retryCalls("successful_without_retry")).isEqualTo(1);
    assertThat(retryCalls("successful_with_retry")).isEqualTo(1);
    assertThat(retryCalls("failed_with_retry")).isZero();
  }

  @Test
  void retriesStopAtTheMaximumNumberOfAttemptsAndRethrowTheLastFailure() {
    Resilience resilience = resilience(Map.of(RetrySettings.MAX_ATTEMPTS, "4"));
    List<Unavailable> thrown = new ArrayList<>();

    assertThatThrownBy(
            () ->
                resilience.call(
                    Dependency.KAFKA,
                    () -> {
                      attempts.incrementAndGet();
                      Unavailable failure = new Unavailable();
                      thrown.add(failure);
                      throw failure;
                    }))
        .isSameAs(thrown.get(thrown.size() - 1));
    assertThat(attempts).hasValue(4);
  }

  @Test
  void waitsBetweenAttemptsFollowTheFullJitterBackoff() {
    Resilience resilience =
        resilience(
            Map.of(
                RetrySettings.MAX_ATTEMPTS, "4",
                RetrySettings.BACKOFF_BASE, "10ms",
                RetrySettings.BACKOFF_MAX, "25ms"));

    assertThatThrownBy(() -> resilience.call(Dependency.DATABASE, this::failing))
        .isInstanceOf(Unavailable.class);

    // The test's random source draws 0.5: half of 10 ms, 20 ms, then the 25 ms cap (whole ms).
    assertThat(waits)
        .containsExactly(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(12));
  }

  @Test
  void aFailureThatIsNotTransientIsNeitherRetriedNorHeldAgainstTheDependency() {
    Resilience resilience = resilience(Map.of());

    assertThatThrownBy(
            () ->
                resilience.call(
                    Dependency.DATABASE,
                    () -> {
                      attempts.incrementAndGet();
                      throw new IllegalStateException("duplicate key");
                    }))
        .isInstanceOf(IllegalStateException.class);

    assertThat(attempts).hasValue(1);
    assertThat(resilience.breaker(Dependency.DATABASE).getMetrics().getNumberOfBufferedCalls())
        .isZero();
  }

  @Test
  void theBreakerOpensAfterTheMinimumCallsAtHalfFailingAndThenFailsFastWithoutCalling() {
    Resilience resilience = resilience(Map.of(RetrySettings.MAX_ATTEMPTS, "1"));
    CircuitBreaker breaker = resilience.breaker(Dependency.DATABASE);

    for (int i = 0; i < 5; i++) {
      resilience.call(Dependency.DATABASE, () -> "ok");
    }
    for (int i = 0; i < 4; i++) {
      assertThatThrownBy(() -> resilience.call(Dependency.DATABASE, this::failing))
          .isInstanceOf(Unavailable.class);
    }
    assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);

    assertThatThrownBy(() -> resilience.call(Dependency.DATABASE, this::failing))
        .isInstanceOf(Unavailable.class);
    assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
    int attemptsWhenOpened = attempts.get();

    assertThatThrownBy(() -> resilience.call(Dependency.DATABASE, this::failing))
        .isInstanceOf(CallNotPermittedException.class);
    assertThat(attempts).hasValue(attemptsWhenOpened);
    assertThat(resilience.breaker(Dependency.REDIS).getState())
        .isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void anOpenBreakerLetsProbesThroughOnlyAfterItsWaitAndClosesWhenTheyPass() {
    Resilience resilience = resilience(Map.of(RetrySettings.MAX_ATTEMPTS, "1"));
    CircuitBreaker breaker = resilience.breaker(Dependency.DATABASE);
    for (int i = 0; i < 10; i++) {
      assertThatThrownBy(() -> resilience.call(Dependency.DATABASE, this::failing))
          .isInstanceOf(Unavailable.class);
    }
    assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);

    clock.advance(Duration.ofSeconds(60));
    assertThatThrownBy(() -> resilience.call(Dependency.DATABASE, () -> "ok"))
        .isInstanceOf(CallNotPermittedException.class);

    // resilience4j lets the first call through once the wait has strictly passed.
    clock.advance(Duration.ofMillis(1));
    for (int i = 0; i < 3; i++) {
      assertThat(resilience.call(Dependency.DATABASE, () -> "ok")).isEqualTo("ok");
    }
    assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void aBreakerThatOpensWhileRetryingEndsTheRetriesWithTheLastFailure() {
    Resilience resilience =
        resilience(
            Map.of(
                BreakerSettings.REDIS_MIN_CALLS, "2",
                RetrySettings.MAX_ATTEMPTS, "5"));

    assertThatThrownBy(() -> resilience.call(Dependency.REDIS, this::failing))
        .isInstanceOf(Unavailable.class);

    assertThat(attempts).hasValue(2);
    assertThat(resilience.breaker(Dependency.REDIS).getState())
        .isEqualTo(CircuitBreaker.State.OPEN);
  }

  @Test
  void anInterruptedWaitEndsTheRetriesAndKeepsTheInterrupt() {
    Resilience resilience = resilience(Map.of());
    try {
      assertThatThrownBy(
              () ->
                  resilience.call(
                      Dependency.DATABASE,
                      () -> {
                        // Interrupted while it runs: the wait before the retry ends at once.
                        Thread.currentThread().interrupt();
                        return failing();
                      }))
          .isInstanceOf(Unavailable.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
      assertThat(attempts).hasValue(1);
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void aRetryTheBudgetRefusesEndsTheRetriesWithTheLastFailure() {
    Resilience resilience =
        resilience(
            Map.of(
                RetryBudgetSettings.PERCENT, "0",
                RetryBudgetSettings.MIN_PER_SECOND, "0",
                RetrySettings.MAX_ATTEMPTS, "5"));
    List<Unavailable> thrown = new ArrayList<>();

    assertThatThrownBy(
            () ->
                resilience.call(
                    Dependency.DATABASE,
                    () -> {
                      attempts.incrementAndGet();
                      Unavailable failure = new Unavailable();
                      thrown.add(failure);
                      throw failure;
                    }))
        .isSameAs(thrown.get(0));

    assertThat(attempts).hasValue(1);
    assertThat(waits).isEmpty();
    RetryBudget budget = resilience.budget(Dependency.DATABASE);
    assertThat(budget.withdrawals()).isZero();
    assertThat(budget.rejections()).isEqualTo(1);
  }

  @Test
  void onlyRetriesThatHappenDrawOnTheBudget() {
    Resilience resilience = resilience(Map.of(RetrySettings.MAX_ATTEMPTS, "1"));
    RetryBudget budget = resilience.budget(Dependency.REDIS);

    assertThat(resilience.call(Dependency.REDIS, () -> "first attempt")).isEqualTo("first attempt");
    assertThatThrownBy(() -> resilience.call(Dependency.REDIS, this::failing))
        .isInstanceOf(Unavailable.class);
    assertThatThrownBy(
            () ->
                resilience.call(
                    Dependency.REDIS,
                    () -> {
                      throw new IllegalArgumentException("bad input");
                    }))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(budget.deposits()).isEqualTo(3);
    assertThat(budget.withdrawals()).isZero();
    assertThat(budget.rejections()).isZero();
  }

  @Test
  void aBreakerBuiltFromItsDependencysRuleRecordsAnOutageAndIgnoresAnythingElse() {
    Resilience resilience =
        new Resilience(
            ResilienceSettings.defaults(),
            new SimpleMeterRegistry(),
            clock,
            () -> 0.5,
            List.of(KafkaFailures.OUTAGE));
    CircuitBreaker breaker = resilience.breaker(Dependency.KAFKA);

    assertThatThrownBy(
            () ->
                breaker.executeRunnable(
                    () -> {
                      throw new NetworkException("broker unreachable");
                    }))
        .isInstanceOf(NetworkException.class);
    assertThatThrownBy(
            () ->
                breaker.executeRunnable(
                    () -> {
                      throw new RecordTooLargeException("the record itself");
                    }))
        .isInstanceOf(RecordTooLargeException.class);

    CircuitBreaker.Metrics metrics = breaker.getMetrics();
    assertThat(metrics.getNumberOfFailedCalls()).isEqualTo(1);
    assertThat(metrics.getNumberOfSuccessfulCalls()).isZero();
    assertThat(metrics.getNumberOfBufferedCalls()).isEqualTo(1);
  }

  @Test
  void aDependencyWithoutARuleCountsEveryFailure() {
    Resilience resilience =
        new Resilience(
            ResilienceSettings.defaults(), new SimpleMeterRegistry(), clock, () -> 0.5, List.of());

    assertThatThrownBy(
            () ->
                resilience
                    .breaker(Dependency.DATABASE)
                    .executeRunnable(
                        () -> {
                          throw new IllegalStateException("anything");
                        }))
        .isInstanceOf(IllegalStateException.class);

    assertThat(resilience.breaker(Dependency.DATABASE).getMetrics().getNumberOfFailedCalls())
        .isEqualTo(1);
  }

  @Test
  void twoRulesForOneDependencyAreRefused() {
    assertThatThrownBy(
            () ->
                new Resilience(
                    ResilienceSettings.defaults(),
                    new SimpleMeterRegistry(),
                    clock,
                    () -> 0.5,
                    List.of(KafkaFailures.OUTAGE, OutageRule.everyFailure(Dependency.KAFKA))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kafka");
  }

  @Test
  void aFullBulkheadRefusesInsteadOfQueueing() {
    Resilience resilience = resilience(Map.of(BulkheadSettings.MAX_WAIT, "0ms"));
    Bulkhead writes = resilience.bulkhead(Compartment.WRITES);
    int places = writes.getBulkheadConfig().getMaxConcurrentCalls();
    for (int i = 0; i < places; i++) {
      writes.acquirePermission();
    }

    assertThatThrownBy(() -> writes.executeSupplier(() -> "written"))
        .isInstanceOf(BulkheadFullException.class);
    assertThat(resilience.bulkhead(Compartment.READS).executeSupplier(() -> "read"))
        .isEqualTo("read");

    writes.onComplete();
    assertThat(writes.executeSupplier(() -> "written")).isEqualTo("written");
  }

  @Test
  void anOutageItsRuleDoesNotRetryFailsTheBreakerAfterOneAttempt() {
    Resilience resilience =
        new Resilience(
            ResilienceSettings.from(new Settings(Map.of())),
            meters,
            clock,
            () -> 0.5,
            List.of(
                new OutageRule(
                    Dependency.DATABASE,
                    Unavailable.class::isInstance,
                    failure -> !(failure instanceof WaitedOut))));

    assertThatThrownBy(
            () ->
                resilience.call(
                    Dependency.DATABASE,
                    () -> {
                      attempts.incrementAndGet();
                      throw new WaitedOut();
                    }))
        .isInstanceOf(WaitedOut.class);

    assertThat(attempts).hasValue(1);
    assertThat(resilience.budget(Dependency.DATABASE).withdrawals()).isZero();
    assertThat(resilience.breaker(Dependency.DATABASE).getMetrics().getNumberOfFailedCalls())
        .as("still an outage")
        .isEqualTo(1);
  }

  @Test
  void bulkheadsHaveTheConfiguredSizes() {
    Resilience resilience = resilience(Map.of());

    assertThat(resilience.bulkhead(Compartment.READS).getMetrics().getMaxAllowedConcurrentCalls())
        .isEqualTo(20);
    assertThat(resilience.bulkhead(Compartment.WRITES).getMetrics().getMaxAllowedConcurrentCalls())
        .isEqualTo(10);
    assertThat(resilience.bulkhead(Compartment.AUDIT).getMetrics().getMaxAllowedConcurrentCalls())
        .isEqualTo(10);
    assertThat(resilience.bulkhead(Compartment.AUDIT).getBulkheadConfig().getMaxWaitDuration())
        .isEqualTo(Duration.ofMillis(50));
  }

  private Resilience resilience(Map<String, String> env) {
    Resilience resilience =
        new Resilience(
            ResilienceSettings.from(new Settings(env)), meters, clock, () -> 0.5, UNAVAILABLE);
    for (Dependency dependency : Dependency.values()) {
      resilience
          .retry(dependency)
          .getEventPublisher()
          .onRetry(event -> waits.add(event.getWaitInterval()));
    }
    return resilience;
  }

  private double retryCalls(String kind) {
    return meters
        .get("resilience4j.retry.calls")
        .tags("name", "redis", "kind", kind)
        .functionCounter()
        .count();
  }

  private String failing() {
    attempts.incrementAndGet();
    throw new Unavailable();
  }

  /** An outage whose attempt already waited out its own bound: a pool that found no connection. */
  private static final class WaitedOut extends Unavailable {}

  /** What a driver throws when the server does not answer. */
  private static class Unavailable extends RuntimeException {
    Unavailable() {
      super("connection refused");
    }
  }
}
