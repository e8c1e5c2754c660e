package dev.trafficmanager.api.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trafficmanager.config.InvalidSettingException;
import dev.trafficmanager.config.Settings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsoleSettingsTest {
  @Test
  void aGroupIsStalledAfterThirtySecondsByDefault() {
    assertThat(ConsoleSettings.from(new Settings(Map.of())).stallAfter())
        .isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void readsTheStallThreshold() {
    assertThat(
            ConsoleSettings.from(new Settings(Map.of("TM_CONSOLE_STALL_AFTER", "2m"))).stallAfter())
        .isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void aThresholdBelowOneSecondIsRefusedNamingTheVariable() {
    assertThatThrownBy(
            () -> ConsoleSettings.from(new Settings(Map.of("TM_CONSOLE_STALL_AFTER", "0s"))))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("TM_CONSOLE_STALL_AFTER");
  }
}
