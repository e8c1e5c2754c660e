package dev.trafficmanager.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trafficmanager.config.InvalidSettingException;
import dev.trafficmanager.config.Settings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiSettingsTest {
  @Test
  void defaultsArePort8080AndSixtyAndTenSecondTtls() {
    ApiSettings settings = ApiSettings.from(new Settings(Map.of()));
    assertThat(settings)
        .isEqualTo(new ApiSettings(8080, Duration.ofSeconds(60), Duration.ofSeconds(10)));
  }

  @Test
  void readsEachVariable() {
    ApiSettings settings =
        ApiSettings.from(
            new Settings(
                Map.of(
                    "TM_HTTP_PORT", "0",
                    "TM_CACHE_TTL", "5m",
                    "TM_CACHE_NEGATIVE_TTL", "1500ms")));
    assertThat(settings)
        .isEqualTo(new ApiSettings(0, Duration.ofMinutes(5), Duration.ofMillis(1500)));
  }

  @Test
  void aZeroTtlIsRejectedNamingTheVariable() {
    assertThatThrownBy(() -> ApiSettings.from(new Settings(Map.of("TM_CACHE_NEGATIVE_TTL", "0s"))))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("TM_CACHE_NEGATIVE_TTL");
  }

  @Test
  void aPortOutOfRangeIsRejectedNamingTheVariable() {
    assertThatThrownBy(() -> ApiSettings.from(new Settings(Map.of("TM_HTTP_PORT", "70000"))))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("TM_HTTP_PORT");
  }
}
