package dev.trafficmanager.api.watch;

import dev.trafficmanager.config.Settings;
import java.time.Duration;

/**
 * How the watch API holds watchers.
 *
 * @param defaultWait how long a blocking query waits when it names no {@code wait} ({@value
 *     #DEFAULT_WAIT})
 * @param maxWait the longest {@code wait} a blocking query may ask for ({@value #MAX_WAIT})
 * @param window the changes each watched tenant keeps in memory ({@value #WINDOW}); an index older
 *     than the window is served from PostgreSQL
 * @param pollInterval how often the indexes of watched tenants are read from PostgreSQL, in case a
 *     change's signal from Kafka was missed or Kafka is down ({@value #POLL_INTERVAL})
 * @param heartbeat how often an idle event stream gets a comment line, which keeps proxies from
 *     closing it and finds clients that went away ({@value #HEARTBEAT})
 */
public record WatchSettings(
    Duration defaultWait, Duration maxWait, int window, Duration pollInterval, Duration heartbeat) {
  public static final String DEFAULT_WAIT = "TM_WATCH_DEFAULT_WAIT";
  public static final String MAX_WAIT = "TM_WATCH_MAX_WAIT";
  public static final String WINDOW = "TM_WATCH_WINDOW";
  public static final String POLL_INTERVAL = "TM_WATCH_POLL_INTERVAL";
  public static final String HEARTBEAT = "TM_WATCH_HEARTBEAT";

  /** Changes one answer carries at most; a client behind by more asks again from its new index. */
  public static final int PAGE = 500;

  public static WatchSettings from(Settings settings) {
    Duration maxWait =
        settings.duration(
            MAX_WAIT, Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofHours(1));
    return new WatchSettings(
        settings.duration(DEFAULT_WAIT, Duration.ofSeconds(60), Duration.ZERO, maxWait),
        maxWait,
        settings.integer(WINDOW, 256, 1, 100_000),
        settings.duration(
            POLL_INTERVAL, Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofMinutes(10)),
        settings.duration(
            HEARTBEAT, Duration.ofSeconds(15), Duration.ofMillis(100), Duration.ofMinutes(10)));
  }
}
