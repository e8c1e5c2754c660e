package dev.trafficmanager.app.operate.republish;

import dev.trafficmanager.api.outbox.StoredEvent;
import java.time.Duration;
import java.util.Optional;

/**
 * How a republish run went.
 *
 * @param acknowledged records the broker acknowledged (all replicas in sync)
 * @param failure the first record that failed, if any: the run stopped there
 */
public record RepublishResult(long acknowledged, Optional<Failure> failure, Duration elapsed) {

  /** Acknowledged records per second over the whole run. */
  public double ratePerSecond() {
    long nanos = elapsed.toNanos();
    return nanos <= 0 ? 0 : acknowledged * 1e9 / nanos;
  }

  /**
   * @param event the stored event whose record failed, or null when the producer failed as a whole
   */
  public record Failure(StoredEvent event, Throwable error) {}
}
