package dev.trafficmanager.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trafficmanager.config.InvalidSettingException;
import dev.trafficmanager.config.Settings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheSettingsTest {

  @Test
  void defaultsAreTheBriefsSixtyAndTenSeconds() {
    assertThat(CacheSettings.from(new Settings(Map.of())))
        .isEqualTo(new CacheSettings(Duration.ofSeconds(60), Duration.ofSeconds(10)));
  }

  @Test
  void readsBothTtlsFromTheirVariables() {
    CacheSettings settings =
        CacheSettings.from(
            new Settings(Map.of(CacheSettings.TTL, "5m", CacheSettings.NEGATIVE_TTL, "250ms")));

    assertThat(settings.ttlOf(true)).isEqualTo(Duration.ofMinutes(5));
    assertThat(settings.ttlOf(false)).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void aZeroTtlIsRejectedByName() {
    Settings settings = new Settings(Map.of(CacheSettings.NEGATIVE_TTL, "0s"));

    assertThatThrownBy(() -> CacheSettings.from(settings))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining(CacheSettings.NEGATIVE_TTL);
  }
}
