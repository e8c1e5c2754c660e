package dev.trafficmanager.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trafficmanager.config.InvalidSettingException;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.http.HttpSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiSettingsTest {
  @Test
  void defaultsArePort8080AThirtySecondDrainAndTheRelayOn() {
    assertThat(ApiSettings.from(new Settings(Map.of())))
        .isEqualTo(
            new ApiSettings(
                new HttpSettings(Optional.empty(), 8080, Set.of()),
                Duration.ofSeconds(30),
                true,
                false));
  }

  @Test
  void readsEachVariable() {
    ApiSettings settings =
        ApiSettings.from(
            new Settings(
                Map.of(
                    "TM_HTTP_PORT",
                    "0",
                    "TM_DRAIN_TIMEOUT",
                    "5s",
                    "TM_API_RELAY",
                    "off",
                    "TM_URL_ALLOW_PRIVATE",
                    "on")));
    assertThat(settings)
        .isEqualTo(
            new ApiSettings(
                new HttpSettings(Optional.empty(), 0, Set.of()),
                Duration.ofSeconds(5),
                false,
                true));
  }

  @Test
  void aDrainTimeoutOutOfRangeIsRejectedNamingTheVariable() {
    assertThatThrownBy(() -> ApiSettings.from(new Settings(Map.of("TM_DRAIN_TIMEOUT", "1h"))))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("TM_DRAIN_TIMEOUT");
  }

  @Test
  void aPortOutOfRangeIsRejectedNamingTheVariable() {
    assertThatThrownBy(() -> ApiSettings.from(new Settings(Map.of("TM_HTTP_PORT", "70000"))))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("TM_HTTP_PORT");
  }

  @Test
  void aRelaySwitchOtherThanOnOrOffIsRejectedNamingTheVariable() {
    assertThatThrownBy(() -> ApiSettings.from(new Settings(Map.of("TM_API_RELAY", "false"))))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessage("TM_API_RELAY=false is invalid: expected on or off");
  }
}
