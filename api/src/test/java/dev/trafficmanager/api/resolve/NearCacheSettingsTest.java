package dev.trafficmanager.api.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trafficmanager.config.InvalidSettingException;
import dev.trafficmanager.config.Settings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NearCacheSettingsTest {
  @Test
  void defaultsAreTenThousandRoutesForFiveSeconds() {
    NearCacheSettings settings = NearCacheSettings.from(new Settings(Map.of()));

    assertThat(settings).isEqualTo(new NearCacheSettings(10_000, Duration.ofSeconds(5)));
    assertThat(settings.enabled()).isTrue();
  }

  @Test
  void readsEachVariableAndATtlOfZeroDisablesIt() {
    NearCacheSettings settings =
        NearCacheSettings.from(
            new Settings(Map.of("TM_NEAR_CACHE_SIZE", "500", "TM_NEAR_CACHE_TTL", "0s")));

    assertThat(settings).isEqualTo(new NearCacheSettings(500, Duration.ZERO));
    assertThat(settings.enabled()).isFalse();
  }

  @ParameterizedTest
  @CsvSource({
    "TM_NEAR_CACHE_SIZE, 0",
    "TM_NEAR_CACHE_SIZE, many",
    "TM_NEAR_CACHE_TTL, 2h",
    "TM_NEAR_CACHE_TTL, soon"
  })
  void aBadValueIsRejectedNamingTheVariable(String name, String value) {
    assertThatThrownBy(() -> NearCacheSettings.from(new Settings(Map.of(name, value))))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining(name);
  }
}
