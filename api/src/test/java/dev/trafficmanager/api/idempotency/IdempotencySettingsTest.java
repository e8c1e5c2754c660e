package dev.trafficmanager.api.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trafficmanager.config.InvalidSettingException;
import dev.trafficmanager.config.Settings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdempotencySettingsTest {
  @Test
  void keysLiveADayAndAreSweptEveryTenMinutesByDefault() {
    assertThat(IdempotencySettings.from(new Settings(Map.of())))
        .isEqualTo(new IdempotencySettings(Duration.ofHours(24), Duration.ofMinutes(10)));
  }

  @Test
  void aRetentionBelowAMinuteIsRefusedNamingTheVariable() {
    assertThatThrownBy(
            () ->
                IdempotencySettings.from(
                    new Settings(Map.of(IdempotencySettings.RETENTION, "10s"))))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining(IdempotencySettings.RETENTION);
  }
}
