package dev.trafficmanager.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trafficmanager.config.InvalidSettingException;
import dev.trafficmanager.config.Settings;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ResilienceSettingsTest {

  @Test
  void defaultsAreTheDesignBriefs() {
    ResilienceSettings defaults = ResilienceSettings.defaults();

    assertThat(defaults.breaker(Dependency.DATABASE))
        .isEqualTo(new BreakerSettings(50, Duration.ofSeconds(60), 10, Duration.ofSeconds(60), 3));
    assertThat(defaults.breaker(Dependency.REDIS))
        .isEqualTo(new BreakerSettings(50, Duration.ofSeconds(60), 20, Duration.ofSeconds(30), 3));
    assertThat(defaults.breaker(Dependency.KAFKA))
        .isEqualTo(new BreakerSettings(50, Duration.ofSeconds(60), 10, Duration.ofSeconds(30), 3));
    assertThat(defaults.retryBudget())
        .isEqualTo(new RetryBudgetSettings(20, Duration.ofSeconds(10), 10));
    assertThat(defaults.retry())
        .isEqualTo(new RetrySettings(3, Duration.ofMillis(50), Duration.ofSeconds(1)));
    assertThat(defaults.bulkheads())
        .isEqualTo(new BulkheadSettings(20, 10, 10, Duration.ofMillis(50)));
  }

  @Test
  void everyVariableOverridesItsOwnSetting() {
    Map<String, String> env = new HashMap<>();
    env.put("TM_DB_BREAKER_FAILURE_RATE", "41");
    env.put("TM_DB_BREAKER_WINDOW", "42s");
    env.put("TM_DB_BREAKER_MIN_CALLS", "43");
    env.put("TM_DB_BREAKER_OPEN_WAIT", "44s");
    env.put("TM_DB_BREAKER_HALF_OPEN_CALLS", "45");
    env.put("TM_REDIS_BREAKER_FAILURE_RATE", "51");
    env.put("TM_REDIS_BREAKER_WINDOW", "52s");
    env.put("TM_REDIS_BREAKER_MIN_CALLS", "53");
    env.put("TM_REDIS_BREAKER_OPEN_WAIT", "54s");
    env.put("TM_REDIS_BREAKER_HALF_OPEN_CALLS", "55");
    env.put("TM_KAFKA_BREAKER_FAILURE_RATE", "61");
    env.put("TM_KAFKA_BREAKER_WINDOW", "62s");
    env.put("TM_KAFKA_BREAKER_MIN_CALLS", "63");
    env.put("TM_KAFKA_BREAKER_OPEN_WAIT", "64s");
    env.put("TM_KAFKA_BREAKER_HALF_OPEN_CALLS", "65");
    env.put("TM_RETRY_BUDGET_PERCENT", "7");
    env.put("TM_RETRY_BUDGET_TTL", "30s");
    env.put("TM_RETRY_BUDGET_MIN_PER_SECOND", "2");
    env.put("TM_RETRY_MAX_ATTEMPTS", "5");
    env.put("TM_RETRY_BACKOFF_BASE", "10ms");
    env.put("TM_RETRY_BACKOFF_MAX", "2s");
    env.put("TM_BULKHEAD_READS", "31");
    env.put("TM_BULKHEAD_WRITES", "32");
    env.put("TM_BULKHEAD_AUDIT", "33");
    env.put("TM_BULKHEAD_MAX_WAIT", "0ms");
    assertThat(env.keySet()).containsExactlyInAnyOrderElementsOf(declaredVariables());

    ResilienceSettings settings = ResilienceSettings.from(new Settings(env));

    assertThat(settings.breaker(Dependency.DATABASE))
        .isEqualTo(new BreakerSettings(41, Duration.ofSeconds(42), 43, Duration.ofSeconds(44), 45));
    assertThat(settings.breaker(Dependency.REDIS))
        .isEqualTo(new BreakerSettings(51, Duration.ofSeconds(52), 53, Duration.ofSeconds(54), 55));
    assertThat(settings.breaker(Dependency.KAFKA))
        .isEqualTo(new BreakerSettings(61, Duration.ofSeconds(62), 63, Duration.ofSeconds(64), 65));
    assertThat(settings.retryBudget())
        .isEqualTo(new RetryBudgetSettings(7, Duration.ofSeconds(30), 2));
    assertThat(settings.retry())
        .isEqualTo(new RetrySettings(5, Duration.ofMillis(10), Duration.ofSeconds(2)));
    assertThat(settings.bulkheads()).isEqualTo(new BulkheadSettings(31, 32, 33, Duration.ZERO));
  }

  @ParameterizedTest
  @MethodSource("declaredVariables")
  void anUnusableValueFailsNamingTheVariable(String variable) {
    Settings settings = new Settings(Map.of(variable, "-1"));

    assertThatThrownBy(() -> ResilienceSettings.from(settings))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageStartingWith(variable + "=");
  }

  @Test
  void aBreakerWindowMustBeWholeSeconds() {
    Settings settings = new Settings(Map.of(BreakerSettings.REDIS_WINDOW, "1500ms"));

    assertThatThrownBy(() -> ResilienceSettings.from(settings))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining(BreakerSettings.REDIS_WINDOW);
  }

  @Test
  void theBackoffMaximumMustNotBeBelowItsBase() {
    Settings settings =
        new Settings(Map.of(RetrySettings.BACKOFF_BASE, "2s", RetrySettings.BACKOFF_MAX, "1s"));

    assertThatThrownBy(() -> ResilienceSettings.from(settings))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageStartingWith(RetrySettings.BACKOFF_MAX + "=");
  }

  /** Every {@code TM_*} constant declared by the records that make up the resilience settings. */
  static List<String> declaredVariables() {
    return Stream.of(
            BreakerSettings.class,
            RetryBudgetSettings.class,
            RetrySettings.class,
            BulkheadSettings.class)
        .flatMap(type -> Arrays.stream(type.getDeclaredFields()))
        .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == String.class)
        .map(ResilienceSettingsTest::value)
        .filter(v -> v.startsWith("TM_"))
        .toList();
  }

  private static String value(Field field) {
    try {
      return (String) field.get(null);
    } catch (IllegalAccessException e) {
      throw new AssertionError(e);
    }
  }
}
