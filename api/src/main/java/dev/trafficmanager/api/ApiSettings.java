package dev.trafficmanager.api;

import dev.trafficmanager.config.Settings;
import dev.trafficmanager.http.HttpSettings;
import java.time.Duration;

/**
 * The API's own settings: where it listens, how long it lets requests in flight finish when it
 * stops, and whether it runs the outbox relay. The database, Redis, Kafka, outbox, cache and
 * resilience settings are read by their own records.
 *
 * @param http where HTTP listens and the names it serves ({@link HttpSettings})
 * @param drainTimeout how long {@link ApiService#close()} waits for requests in flight before it
 *     stops the server anyway
 * @param relay whether the API runs an outbox relay ({@code on}, the default) or leaves publishing
 *     to the {@code relay} command ({@code off})
 * @param allowPrivateUrls whether a route may point at a loopback, private or link-local address
 *     ({@value #URL_ALLOW_PRIVATE}, {@code off} by default; {@code local} turns it on)
 */
public record ApiSettings(
    HttpSettings http, Duration drainTimeout, boolean relay, boolean allowPrivateUrls) {
  public static final String DRAIN_TIMEOUT = "TM_DRAIN_TIMEOUT";
  public static final String RELAY = "TM_API_RELAY";
  public static final String URL_ALLOW_PRIVATE = "TM_URL_ALLOW_PRIVATE";

  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);

  /** Reads the settings, throwing an InvalidSettingException naming the first bad one. */
  public static ApiSettings from(Settings settings) {
    return new ApiSettings(
        HttpSettings.from(settings),
        settings.duration(
            DRAIN_TIMEOUT, DEFAULT_DRAIN_TIMEOUT, Duration.ZERO, Duration.ofMinutes(10)),
        settings.onOff(RELAY, true),
        settings.onOff(URL_ALLOW_PRIVATE, false));
  }
}
