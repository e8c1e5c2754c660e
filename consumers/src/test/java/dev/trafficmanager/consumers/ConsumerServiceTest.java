package dev.trafficmanager.consumers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trafficmanager.cache.CacheSettings;
import dev.trafficmanager.config.InvalidSettingException;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.consumers.runner.RunnerSettings;
import dev.trafficmanager.health.HealthStatus;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsumerServiceTest {

  @Test
  void runsTheThreeSideEffectConsumersOfTheContract() {
    assertThat(ConsumerService.names())
        .containsExactly("cache-invalidation", "cache-warming", "audit-log");
  }

  @Test
  void anUnknownConsumerIsRejectedNamingTheKnownOnes() {
    assertThatThrownBy(() -> new ConsumerService("cache-warmer", new Settings(Map.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cache-warmer")
        .hasMessageContaining("cache-invalidation");
  }

  @Test
  void aBadSettingFailsConstructionNamingTheVariable() {
    assertThatThrownBy(
            () ->
                new ConsumerService(
                    ConsumerService.CACHE_WARMING, new Settings(Map.of(CacheSettings.TTL, "0ms"))))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining(CacheSettings.TTL);
    assertThatThrownBy(
            () ->
                new ConsumerService(
                    ConsumerService.AUDIT_LOG,
                    new Settings(Map.of(RunnerSettings.MAX_ATTEMPTS, "none"))))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining(RunnerSettings.MAX_ATTEMPTS);
  }

  @Test
  void closingAServiceThatNeverStartedIsHarmlessAndFinal() {
    ConsumerService service = new ConsumerService("cache-invalidation", new Settings(Map.of()));

    service.close();
    service.close();

    assertThat(service.isRunning()).isFalse();
    assertThat(service.health().status()).isEqualTo(HealthStatus.DOWN);
    assertThatThrownBy(service::start).isInstanceOf(IllegalStateException.class);
  }
}
