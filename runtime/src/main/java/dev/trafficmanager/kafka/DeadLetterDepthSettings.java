package dev.trafficmanager.kafka;

import dev.trafficmanager.config.Settings;
import java.time.Duration;
import java.util.Objects;

/**
 * How often {@link DeadLetterDepth} reads the depth of the dead-letter topics. Default: 30 s.
 *
 * @param interval the wait between the end of one read and the start of the next
 */
public record DeadLetterDepthSettings(Duration interval) {
  public static final String INTERVAL = "TM_DLQ_DEPTH_INTERVAL";

  // Declared before DEFAULTS, which the constructor checks against them.
  private static final Duration MIN_INTERVAL = Duration.ofMillis(100);
  private static final Duration MAX_INTERVAL = Duration.ofHours(1);

  public static final DeadLetterDepthSettings DEFAULTS =
      new DeadLetterDepthSettings(Duration.ofSeconds(30));

  /**
   * @throws IllegalArgumentException unless the interval is from 100 ms to 1 h
   */
  public DeadLetterDepthSettings {
    Objects.requireNonNull(interval, "interval");
    if (interval.compareTo(MIN_INTERVAL) < 0 || interval.compareTo(MAX_INTERVAL) > 0) {
      throw new IllegalArgumentException("interval must be from 100ms to 1h: " + interval);
    }
  }

  /**
   * @throws dev.trafficmanager.config.InvalidSettingException naming {@value #INTERVAL} if it is
   *     not a duration from 100 ms to 1 h
   */
  public static DeadLetterDepthSettings from(Settings settings) {
    return new DeadLetterDepthSettings(
        settings.duration(INTERVAL, DEFAULTS.interval, MIN_INTERVAL, MAX_INTERVAL));
  }
}
