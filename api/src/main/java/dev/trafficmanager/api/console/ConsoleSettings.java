package dev.trafficmanager.api.console;

import dev.trafficmanager.config.Settings;
import java.time.Duration;

/**
 * How the console judges the pipeline.
 *
 * @param stallAfter how long a group with lag must keep the same committed offsets, as this API
 *     instance sees them, before the pipeline view calls it {@code stalled} ({@value #STALL_AFTER},
 *     30 s by default: three times a consumer's longest single retry backoff, {@code
 *     TM_CONSUMER_RETRY_MAX_BACKOFF}'s 10 s, so that one retry does not raise it, while a consumer
 *     that stays paused retrying against a sink that is down, or is stuck, does)
 */
public record ConsoleSettings(Duration stallAfter) {
  public static final String STALL_AFTER = "TM_CONSOLE_STALL_AFTER";

  public static final Duration DEFAULT_STALL_AFTER = Duration.ofSeconds(30);

  /** Reads the settings, throwing an InvalidSettingException naming the first bad one. */
  public static ConsoleSettings from(Settings settings) {
    return new ConsoleSettings(
        settings.duration(
            STALL_AFTER, DEFAULT_STALL_AFTER, Duration.ofSeconds(1), Duration.ofHours(1)));
  }
}
