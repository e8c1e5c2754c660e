package dev.trafficmanager.api.outbox;

import java.time.Duration;

/**
 * The rows waiting in the outbox: how many, and how long the oldest has waited (by the database's
 * clock, zero when none waits). A growing age means events are not reaching Kafka.
 */
public record OutboxBacklog(long pendingRows, Duration oldestPendingAge) {

  public double oldestPendingAgeSeconds() {
    return oldestPendingAge.toMillis() / 1000.0;
  }
}
