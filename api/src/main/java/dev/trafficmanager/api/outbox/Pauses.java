package dev.trafficmanager.api.outbox;

import java.time.Duration;

/**
 * How the relay waits between attempts: a wait ends early once the relay is asked to stop. Tests
 * hand in one that records each wait and returns at once.
 */
interface Pauses {
  /** Whether the relay was asked to stop. */
  boolean stopping();

  /** Waits for {@code duration}, or less once the relay is asked to stop. */
  void pause(Duration duration);
}
