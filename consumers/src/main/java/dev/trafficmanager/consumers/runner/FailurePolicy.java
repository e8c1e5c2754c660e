package dev.trafficmanager.consumers.runner;

import dev.trafficmanager.resilience.Backoff;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * What becomes of a record whose attempt failed, or was refused: a pure function of the error, the
 * record's attempts and the sink's breaker and budget. No clock, no I/O; the {@link ConsumerRunner}
 * carries the decision out.
 *
 * <ul>
 *   <li>an error the sink calls transient is an <b>outage</b>: retried after a backoff, recorded on
 *       the breaker, never dead-lettered however long it lasts;
 *   <li>a {@link NonRetriableException} (an unreadable record included) is dead-lettered at once;
 *   <li>any other error is retried, without touching the breaker, until {@code maxAttempts}
 *       attempts were made, then dead-lettered;
 *   <li>a retry the budget refuses, or a dead-letter write that failed, waits for another backoff;
 *   <li>a call the breaker refuses waits for the sink; no attempt is counted.
 * </ul>
 */
public final class FailurePolicy {
  private final int maxAttempts;
  private final Backoff backoff;
  private final Predicate<RuntimeException> isTransient;

  /**
   * @param isTransient the sink's classification of an outage ({@link Sink#isTransient()})
   */
  public FailurePolicy(int maxAttempts, Backoff backoff, Predicate<RuntimeException> isTransient) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
    }
    this.maxAttempts = maxAttempts;
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    this.isTransient = Objects.requireNonNull(isTransient, "isTransient");
  }

  /** What to do after an attempt failed with {@code error}; {@code before} excludes it. */
  public Decision afterFailure(RuntimeException error, Attempts before) {
    Attempts after = before.failed();
    boolean permanent = error instanceof NonRetriableException;
    boolean outage = !permanent && isTransient.test(error);
    if (permanent || (!outage && after.made() >= maxAttempts)) {
      return new Decision(Action.DEAD_LETTER, after, Duration.ZERO, outage);
    }
    return new Decision(Action.RETRY, after, wait(after), outage);
  }

  /** What to do when the retry budget refused the record's retry: no call was made. */
  public Decision afterBudgetRefused(Attempts before) {
    Attempts after = before.waited();
    return new Decision(Action.RETRY, after, wait(after), false);
  }

  /** What to do when the record's dead-letter write failed: keep it and try again. */
  public Decision afterDeadLetterFailed(Attempts attempts) {
    return new Decision(Action.RETRY, attempts, wait(attempts), false);
  }

  /** What to do when the sink's breaker refused the call: wait, counting no attempt. */
  public Decision afterBreakerRefused(Attempts attempts) {
    return new Decision(Action.WAIT_FOR_SINK, attempts, Duration.ZERO, false);
  }

  private Duration wait(Attempts attempts) {
    return backoff.delay(Math.max(0, attempts.waits() - 1));
  }

  /** What the runner does with the record. */
  public enum Action {
    /** Rewind its partition to it and pause the partition for {@link Decision#delay()}. */
    RETRY,
    /** Write it to the dead-letter topic; once acknowledged, move past it. */
    DEAD_LETTER,
    /** Rewind and pause every partition until the sink's breaker lets a probe through. */
    WAIT_FOR_SINK
  }

  /**
   * @param attempts the record's attempts, this one included
   * @param delay how long its partition pauses before the retry ({@link Action#RETRY} only)
   * @param outage whether the failure says the sink is down: the breaker records it
   */
  public record Decision(Action action, Attempts attempts, Duration delay, boolean outage) {}
}
