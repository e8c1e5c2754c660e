package dev.trafficmanager.api.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trafficmanager.config.InvalidSettingException;
import dev.trafficmanager.config.Settings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LimitSettingsTest {
  @Test
  void defaultsAre16KiBBodiesAnd50WritesPerSecondPerTenant() {
    LimitSettings settings = LimitSettings.from(new Settings(Map.of()));

    assertThat(settings).isEqualTo(LimitSettings.defaults());
    assertThat(settings.maxBodyBytes()).isEqualTo(16 * 1024);
    assertThat(settings.writeRate("acme")).isEqualTo(new WriteRate(50, Duration.ofSeconds(1)));
  }

  @Test
  void readsTheBodyLimitTheRateAndEachTenantsOverride() {
    LimitSettings settings =
        LimitSettings.from(
            new Settings(
                Map.of(
                    LimitSettings.MAX_BODY, "32KiB",
                    LimitSettings.WRITE_RATE, "20",
                    LimitSettings.WRITE_RATE_OVERRIDES, "acme=200, beta=10/1m,")));

    assertThat(settings.maxBodyBytes()).isEqualTo(32 * 1024);
    assertThat(settings.writeRate("other")).isEqualTo(WriteRate.perSecond(20));
    assertThat(settings.writeRate("acme")).isEqualTo(WriteRate.perSecond(200));
    assertThat(settings.writeRate("beta")).isEqualTo(new WriteRate(10, Duration.ofMinutes(1)));
    assertThat(settings.writeRate("beta")).hasToString("10/1m");
  }

  @Test
  void aBodyLimitInBytesIsReadAsBytes() {
    assertThat(
            LimitSettings.from(new Settings(Map.of(LimitSettings.MAX_BODY, "20000")))
                .maxBodyBytes())
        .isEqualTo(20000);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "TM_HTTP_MAX_BODY|16 KiB",
        "TM_HTTP_MAX_BODY|1KiB",
        "TM_HTTP_MAX_BODY|2MiB",
        "TM_WRITE_RATE_PER_TENANT|0",
        "TM_WRITE_RATE_PER_TENANT|fast",
        "TM_WRITE_RATE_PER_TENANT|10/1w",
        "TM_WRITE_RATE_OVERRIDES|acme",
        "TM_WRITE_RATE_OVERRIDES|Acme=10",
        "TM_WRITE_RATE_OVERRIDES|acme=10,acme=20",
        "TM_WRITE_RATE_OVERRIDES|acme=-1",
      })
  void aBadValueIsRefusedNamingItsSetting(String name, String value) {
    assertThatThrownBy(() -> LimitSettings.from(new Settings(Map.of(name, value))))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageStartingWith(name + "=");
  }
}
