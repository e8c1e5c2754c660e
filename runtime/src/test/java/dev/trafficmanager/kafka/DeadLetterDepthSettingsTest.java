package dev.trafficmanager.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trafficmanager.config.InvalidSettingException;
import dev.trafficmanager.config.Settings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeadLetterDepthSettingsTest {

  @Test
  void readsEveryThirtySecondsUnlessTold() {
    assertThat(DeadLetterDepthSettings.from(new Settings(Map.of())).interval())
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(
            DeadLetterDepthSettings.from(
                    new Settings(Map.of(DeadLetterDepthSettings.INTERVAL, "250ms")))
                .interval())
        .isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void anIntervalOutOfBoundsIsRejectedByName() {
    for (String value : new String[] {"0s", "10ms", "2h"}) {
      Settings settings = new Settings(Map.of(DeadLetterDepthSettings.INTERVAL, value));

      assertThatThrownBy(() -> DeadLetterDepthSettings.from(settings))
          .isInstanceOf(InvalidSettingException.class)
          .hasMessageContaining(DeadLetterDepthSettings.INTERVAL);
    }
  }
}
