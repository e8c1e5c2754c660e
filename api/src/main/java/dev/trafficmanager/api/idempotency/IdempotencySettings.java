package dev.trafficmanager.api.idempotency;

import dev.trafficmanager.config.Settings;
import java.time.Duration;

/**
 * How long an {@code Idempotency-Key} answers a retry with the first answer, and how often expired
 * keys are deleted.
 *
 * @param retention how long a key is kept; a retry after that is a new request (creates and state
 *     changes are idempotent by nature, so it still makes no second event)
 * @param sweepInterval how often each API instance deletes the keys older than the retention
 */
public record IdempotencySettings(Duration retention, Duration sweepInterval) {
  public static final String RETENTION = "TM_IDEMPOTENCY_KEY_RETENTION";
  public static final String SWEEP_INTERVAL = "TM_IDEMPOTENCY_SWEEP_INTERVAL";

  public static final IdempotencySettings DEFAULTS =
      new IdempotencySettings(Duration.ofHours(24), Duration.ofMinutes(10));

  /**
   * @throws dev.trafficmanager.config.InvalidSettingException naming the variable out of range
   */
  public static IdempotencySettings from(Settings settings) {
    return new IdempotencySettings(
        settings.duration(
            RETENTION, DEFAULTS.retention, Duration.ofMinutes(1), Duration.ofDays(365)),
        settings.duration(
            SWEEP_INTERVAL, DEFAULTS.sweepInterval, Duration.ofMillis(100), Duration.ofDays(1)));
  }
}
