package dev.trafficmanager.consumers.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trafficmanager.consumers.runner.FailurePolicy.Action;
import dev.trafficmanager.consumers.runner.FailurePolicy.Decision;
import dev.trafficmanager.resilience.Backoff;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The failure policy alone: no consumer, no server, no clock. */
class FailurePolicyTest {
  // Full jitter drawing the top of each ceiling: waits of 100, 200, 400, 800, 1000 ms.
  private static final Backoff BACKOFF =
      new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), () -> 1.0);
  private static final FailurePolicy POLICY =
      new FailurePolicy(3, BACKOFF, e -> e instanceof Outage);

  @Test
  void anOutageIsRetriedWithAGrowingBackoffAndRecordedOnTheBreaker() {
    Decision first = POLICY.afterFailure(new Outage(), Attempts.NONE);
    Decision second = POLICY.afterFailure(new Outage(), first.attempts());

    assertThat(first.action()).isEqualTo(Action.RETRY);
    assertThat(first.outage()).isTrue();
    assertThat(first.attempts()).isEqualTo(new Attempts(1, 1));
    assertThat(second.attempts()).isEqualTo(new Attempts(2, 2));
    assertThat(second.delay()).isGreaterThan(first.delay());
  }

  @Test
  void anOutageIsNeverDeadLetteredHoweverManyAttemptsItTook() {
    Decision decision = POLICY.afterFailure(new Outage(), new Attempts(100, 100));

    assertThat(decision.action()).isEqualTo(Action.RETRY);
    assertThat(decision.delay()).isLessThanOrEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void aNonRetriableFailureIsDeadLetteredAtOnceWithoutTouchingTheBreaker() {
    Decision decision =
        POLICY.afterFailure(new NonRetriableException("rejected", null), Attempts.NONE);

    assertThat(decision.action()).isEqualTo(Action.DEAD_LETTER);
    assertThat(decision.outage()).isFalse();
    assertThat(decision.attempts().made()).isEqualTo(1);
  }

  @Test
  void anUnreadableRecordIsDeadLetteredEvenWhenTheSinkWouldCallTheErrorTransient() {
    FailurePolicy everythingTransient = new FailurePolicy(3, BACKOFF, e -> true);

    Decision decision =
        everythingTransient.afterFailure(
            new UnreadableRecordException("not json", null), Attempts.NONE);

    assertThat(decision.action()).isEqualTo(Action.DEAD_LETTER);
  }

  @Test
  void anyOtherFailureIsRetriedUntilMaxAttemptsThenDeadLettered() {
    RuntimeException bug = new IllegalStateException("a bug");
    Decision first = POLICY.afterFailure(bug, Attempts.NONE);
    Decision second = POLICY.afterFailure(bug, first.attempts());
    Decision third = POLICY.afterFailure(bug, second.attempts());

    assertThat(first.action()).isEqualTo(Action.RETRY);
    assertThat(first.outage()).isFalse();
    assertThat(second.action()).isEqualTo(Action.RETRY);
    assertThat(third.action()).isEqualTo(Action.DEAD_LETTER);
    assertThat(third.attempts().made()).isEqualTo(3);
  }

  @Test
  void aRefusedRetryCountsAWaitButNoAttempt() {
    Decision decision = POLICY.afterBudgetRefused(new Attempts(1, 1));

    assertThat(decision.action()).isEqualTo(Action.RETRY);
    assertThat(decision.attempts()).isEqualTo(new Attempts(1, 2));
    assertThat(decision.delay()).isEqualTo(Duration.ofMillis(200));
  }

  @Test
  void anOpenBreakerMakesTheRecordWaitForTheSinkCountingNothing() {
    Decision decision = POLICY.afterBreakerRefused(new Attempts(2, 2));

    assertThat(decision.action()).isEqualTo(Action.WAIT_FOR_SINK);
    assertThat(decision.attempts()).isEqualTo(new Attempts(2, 2));
  }

  @Test
  void aFailedDeadLetterWriteKeepsTheRecordForAnotherTry() {
    Decision decision = POLICY.afterDeadLetterFailed(new Attempts(3, 3));

    assertThat(decision.action()).isEqualTo(Action.RETRY);
    assertThat(decision.attempts()).isEqualTo(new Attempts(3, 3));
  }

  @Test
  void atLeastOneAttemptIsRequired() {
    assertThatThrownBy(() -> new FailurePolicy(0, BACKOFF, e -> false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxAttempts");
  }

  private static final class Outage extends RuntimeException {
    Outage() {
      super("down");
    }
  }
}
