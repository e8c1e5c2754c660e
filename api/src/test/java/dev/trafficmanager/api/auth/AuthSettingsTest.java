package dev.trafficmanager.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trafficmanager.config.InvalidSettingException;
import dev.trafficmanager.config.Settings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthSettingsTest {
  @Test
  void tokensAreRequiredEverywhereByDefault() {
    AuthSettings settings = AuthSettings.from(new Settings(Map.of()));

    assertThat(settings.tokens()).isTrue();
    assertThat(settings.resolveOpen()).isFalse();
    assertThat(settings.cacheTtl()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void eachCanBeSet() {
    AuthSettings settings =
        AuthSettings.from(
            new Settings(
                Map.of(
                    AuthSettings.AUTH, "off",
                    AuthSettings.AUTH_RESOLVE, "open",
                    AuthSettings.AUTH_CACHE_TTL, "0s")));

    assertThat(settings.tokens()).isFalse();
    assertThat(settings.resolveOpen()).isTrue();
    assertThat(settings.cacheTtl()).isZero();
  }

  @Test
  void aBadValueNamesItsVariable() {
    for (Map<String, String> bad :
        java.util.List.of(
            Map.of(AuthSettings.AUTH, "on"),
            Map.of(AuthSettings.AUTH_RESOLVE, "anyone"),
            Map.of(AuthSettings.AUTH_CACHE_TTL, "2m"))) {
      assertThatThrownBy(() -> AuthSettings.from(new Settings(bad)))
          .isInstanceOf(InvalidSettingException.class)
          .hasMessageContaining(bad.keySet().iterator().next());
    }
  }
}
