package dev.trafficmanager.consumers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trafficmanager.config.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsumerServiceTest {

  @Test
  void anUnknownConsumerIsRejectedNamingTheKnownOnes() {
    assertThatThrownBy(() -> new ConsumerService("cache-warmer", new Settings(Map.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cache-warmer")
        .hasMessageContaining("cache-invalidation");
  }

  @Test
  void closingAServiceThatNeverStartedIsHarmlessAndFinal() {
    ConsumerService service = new ConsumerService("cache-invalidation", new Settings(Map.of()));

    service.close();
    service.close();

    assertThat(service.isRunning()).isFalse();
    assertThatThrownBy(service::start).isInstanceOf(IllegalStateException.class);
  }
}
