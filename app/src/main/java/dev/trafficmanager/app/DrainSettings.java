package dev.trafficmanager.app;

import dev.trafficmanager.config.Settings;
import java.time.Duration;

/**
 * How long a process keeps serving after SIGTERM with readiness already 503, so that load balancers
 * take it out of rotation before it refuses connections. {@code local} has no load balancer in
 * front and defaults to none.
 */
record DrainSettings(Duration grace) {
  static final String GRACE = "TM_DRAIN_GRACE";
  static final Duration SERVICE_DEFAULT = Duration.ofSeconds(5);

  static DrainSettings from(Settings settings, Duration defaultGrace) {
    return new DrainSettings(
        settings.duration(GRACE, defaultGrace, Duration.ZERO, Duration.ofMinutes(5)));
  }
}
