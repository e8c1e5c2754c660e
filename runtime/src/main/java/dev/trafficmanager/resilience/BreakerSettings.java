package dev.trafficmanager.resilience;

import dev.trafficmanager.config.InvalidSettingException;
import dev.trafficmanager.config.Settings;
import java.time.Duration;
import java.util.Objects;

/**
 * One dependency's circuit breaker, in resilience4j's terms. The breaker opens when, over the last
 * {@code slidingWindow} (a time-based window), at least {@code minimumCalls} calls were recorded
 * and {@code failureRateThreshold} percent of them failed; it then refuses every call for {@code
 * waitInOpenState}, after which the next {@code permittedCallsInHalfOpenState} calls decide whether
 * it closes again or re-opens.
 *
 * <p>Defaults (design brief): PostgreSQL 50 % over 60 s after 10 calls, 60 s open; Redis 50 % over
 * 60 s after 20 calls, 30 s open. Kafka producer (our choice): 50 % over 60 s after 10 calls, 30 s
 * open — a Kafka outage costs no acknowledged write (the outbox keeps the events), the producer's
 * own retries have already run before a failure reaches the breaker, and its callers (the outbox
 * relay, dead-letter publishing) make few calls, so it needs as few calls as PostgreSQL to notice
 * and can probe as often as Redis. All three let 3 calls through half-open: enough that one lucky
 * call does not close a breaker, few enough that a quiet process leaves half-open quickly.
 */
public record BreakerSettings(
    int failureRateThreshold,
    Duration slidingWindow,
    int minimumCalls,
    Duration waitInOpenState,
    int permittedCallsInHalfOpenState) {

  public static final String DB_FAILURE_RATE = "TM_DB_BREAKER_FAILURE_RATE";
  public static final String DB_WINDOW = "TM_DB_BREAKER_WINDOW";
  public static final String DB_MIN_CALLS = "TM_DB_BREAKER_MIN_CALLS";
  public static final String DB_OPEN_WAIT = "TM_DB_BREAKER_OPEN_WAIT";
  public static final String DB_HALF_OPEN_CALLS = "TM_DB_BREAKER_HALF_OPEN_CALLS";

  public static final String REDIS_FAILURE_RATE = "TM_REDIS_BREAKER_FAILURE_RATE";
  public static final String REDIS_WINDOW = "TM_REDIS_BREAKER_WINDOW";
  public static final String REDIS_MIN_CALLS = "TM_REDIS_BREAKER_MIN_CALLS";
  public static final String REDIS_OPEN_WAIT = "TM_REDIS_BREAKER_OPEN_WAIT";
  public static final String REDIS_HALF_OPEN_CALLS = "TM_REDIS_BREAKER_HALF_OPEN_CALLS";

  public static final String KAFKA_FAILURE_RATE = "TM_KAFKA_BREAKER_FAILURE_RATE";
  public static final String KAFKA_WINDOW = "TM_KAFKA_BREAKER_WINDOW";
  public static final String KAFKA_MIN_CALLS = "TM_KAFKA_BREAKER_MIN_CALLS";
  public static final String KAFKA_OPEN_WAIT = "TM_KAFKA_BREAKER_OPEN_WAIT";
  public static final String KAFKA_HALF_OPEN_CALLS = "TM_KAFKA_BREAKER_HALF_OPEN_CALLS";

  public BreakerSettings {
    Objects.requireNonNull(slidingWindow, "slidingWindow");
    Objects.requireNonNull(waitInOpenState, "waitInOpenState");
  }

  /** The brief's defaults for one dependency, before any variable is applied. */
  public static BreakerSettings defaults(Dependency dependency) {
    return switch (dependency) {
      case DATABASE ->
          new BreakerSettings(50, Duration.ofSeconds(60), 10, Duration.ofSeconds(60), 3);
      case REDIS -> new BreakerSettings(50, Duration.ofSeconds(60), 20, Duration.ofSeconds(30), 3);
      case KAFKA -> new BreakerSettings(50, Duration.ofSeconds(60), 10, Duration.ofSeconds(30), 3);
    };
  }

  /**
   * @throws InvalidSettingException naming the variable whose value is out of range
   */
  public static BreakerSettings from(Settings settings, Dependency dependency) {
    Names names = Names.of(dependency);
    BreakerSettings defaults = defaults(dependency);
    Duration window =
        settings.duration(
            names.window, defaults.slidingWindow, Duration.ofSeconds(1), Duration.ofHours(1));
    if (window.toMillis() % 1000 != 0) {
      // resilience4j's time-based window counts whole seconds.
      throw new InvalidSettingException(
          names.window, Settings.format(window), "expected whole seconds, like 60s");
    }
    return new BreakerSettings(
        settings.integer(names.failureRate, defaults.failureRateThreshold, 1, 100),
        window,
        settings.integer(names.minCalls, defaults.minimumCalls, 1, 1_000_000),
        settings.duration(
            names.openWait, defaults.waitInOpenState, Duration.ofMillis(100), Duration.ofHours(1)),
        settings.integer(names.halfOpenCalls, defaults.permittedCallsInHalfOpenState, 1, 1_000));
  }

  private record Names(
      String failureRate, String window, String minCalls, String openWait, String halfOpenCalls) {
    static Names of(Dependency dependency) {
      return switch (dependency) {
        case DATABASE ->
            new Names(DB_FAILURE_RATE, DB_WINDOW, DB_MIN_CALLS, DB_OPEN_WAIT, DB_HALF_OPEN_CALLS);
        case REDIS ->
            new Names(
                REDIS_FAILURE_RATE,
                REDIS_WINDOW,
                REDIS_MIN_CALLS,
                REDIS_OPEN_WAIT,
                REDIS_HALF_OPEN_CALLS);
        case KAFKA ->
            new Names(
                KAFKA_FAILURE_RATE,
                KAFKA_WINDOW,
                KAFKA_MIN_CALLS,
                KAFKA_OPEN_WAIT,
                KAFKA_HALF_OPEN_CALLS);
      };
    }
  }
}
