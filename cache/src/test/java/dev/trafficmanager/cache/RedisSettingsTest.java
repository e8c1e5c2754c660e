package dev.trafficmanager.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trafficmanager.config.InvalidSettingException;
import dev.trafficmanager.config.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedisSettingsTest {
  @Test
  void tlsComesFromTheUrlAndThePasswordIsNeverPrinted() {
    RedisSettings redis =
        RedisSettings.from(
            new Settings(Map.of(RedisSettings.URL, "rediss://:s3cret@cache.internal:6380")));

    assertThat(redis.uri().isSsl()).isTrue();
    assertThat(redis.address()).isEqualTo("cache.internal:6380");
    assertThat(redis.toString()).doesNotContain("s3cret");
    assertThat(redis.uri().toString()).doesNotContain("s3cret");
  }

  @Test
  void aBadUrlIsRefusedNamingTheSettingWithoutThePassword() {
    assertThatThrownBy(
            () ->
                RedisSettings.from(
                    new Settings(Map.of(RedisSettings.URL, "redis://:s3cret pw@cache:6379"))))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageStartingWith(RedisSettings.URL + "=redis://…@cache:6379")
        .hasMessageNotContaining("s3cret");
  }
}
