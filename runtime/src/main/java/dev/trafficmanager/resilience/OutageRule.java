package dev.trafficmanager.resilience;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Which failures of a call to {@code dependency} say that the dependency is down, unreachable,
 * timed out or overloaded — an <em>outage</em> — rather than that the caller or the data was at
 * fault. The rule lives where the knowledge of the dependency's failures lives (its client's
 * module) and is handed to {@link Resilience} once, so that every caller of one dependency counts
 * the same failures against its breaker and retries the same ones.
 *
 * <p>In the dependency's {@link CircuitBreakerConfig} an outage is recorded as a failed call and
 * any other failure is ignored: neither a success nor a failure, since it says nothing about the
 * dependency's health. Only outages are retried, and of them only those {@code isRetried} accepts:
 * an outage whose attempt already waited out its own bound, retrying inside the client, is not
 * tried again, since another attempt would only wait as long again (a caller is waiting).
 *
 * @param isOutage true for a failure that is an outage of the dependency
 * @param isRetried true for an outage worth another attempt
 */
public record OutageRule(
    Dependency dependency, Predicate<Throwable> isOutage, Predicate<Throwable> isRetried) {

  public OutageRule {
    Objects.requireNonNull(dependency, "dependency");
    Objects.requireNonNull(isOutage, "isOutage");
    Objects.requireNonNull(isRetried, "isRetried");
  }

  /** A rule that retries every outage. */
  public OutageRule(Dependency dependency, Predicate<Throwable> isOutage) {
    this(dependency, isOutage, isOutage);
  }

  /** Whether {@code failure} is an outage worth another attempt. */
  public boolean retries(Throwable failure) {
    return isOutage.test(failure) && isRetried.test(failure);
  }

  /**
   * The rule of a dependency whose client module gave none: every failure is an outage, which is
   * resilience4j's own default.
   */
  public static OutageRule everyFailure(Dependency dependency) {
    return new OutageRule(dependency, failure -> true);
  }

  /** Whether {@code failure} is an outage of the dependency. */
  public boolean test(Throwable failure) {
    return isOutage.test(failure);
  }

  /** {@code builder}, recording outages as failed calls and ignoring every other failure. */
  public CircuitBreakerConfig.Builder applyTo(CircuitBreakerConfig.Builder builder) {
    return builder.recordException(isOutage).ignoreException(isOutage.negate());
  }
}
