package dev.trafficmanager.api.outbox;

import dev.trafficmanager.config.InvalidSettingException;
import dev.trafficmanager.config.Settings;
import java.time.Duration;

/**
 * How the outbox relay polls, publishes, backs off and forgets.
 *
 * @param pollInterval the longest a pending row waits when no {@code NOTIFY} arrives; also how
 *     often a standby retries the leader lock, and the first step of the back-off
 * @param batchSize rows read, published and marked per round trip; also rows deleted per retention
 *     statement
 * @param retention how long a row is kept after it was written (for republishing after Kafka data
 *     loss); a row still pending is kept until it is published
 * @param retentionSweepInterval how often the leader deletes rows older than the retention
 * @param deliveryTimeout the producer's {@code delivery.timeout.ms}: how long one attempt to
 *     publish a batch may wait for the broker before its rows count as failed and stay pending
 * @param maxBackoff the longest pause between attempts while Kafka keeps failing
 * @param kafkaGiveUp how long a leader keeps failing to publish to Kafka before it gives up its
 *     leadership, so that a relay that can reach Kafka publishes instead
 * @param lease how long the leader's lease lasts without a renewal (it renews every third of it): a
 *     standby that sees it unrenewed for that long takes over, and a leader that could not renew it
 *     for that long stops publishing
 */
public record OutboxSettings(
    Duration pollInterval,
    int batchSize,
    Duration retention,
    Duration retentionSweepInterval,
    Duration deliveryTimeout,
    Duration maxBackoff,
    Duration kafkaGiveUp,
    Duration lease) {
  public static final String POLL_INTERVAL = "TM_OUTBOX_POLL_INTERVAL";
  public static final String BATCH_SIZE = "TM_OUTBOX_BATCH_SIZE";
  public static final String RETENTION = "TM_OUTBOX_RETENTION";
  public static final String RETENTION_SWEEP_INTERVAL = "TM_OUTBOX_RETENTION_SWEEP_INTERVAL";
  public static final String DELIVERY_TIMEOUT = "TM_KAFKA_DELIVERY_TIMEOUT";
  public static final String MAX_BACKOFF = "TM_OUTBOX_MAX_BACKOFF";
  public static final String KAFKA_GIVE_UP = "TM_RELAY_KAFKA_GIVE_UP";
  public static final String LEASE = "TM_RELAY_LEASE";

  /**
   * The producer needs {@code delivery.timeout.ms >= linger.ms + request.timeout.ms}; below a
   * second the request timeout would be too short to reach a healthy broker.
   */
  static final Duration MIN_DELIVERY_TIMEOUT = Duration.ofSeconds(1);

  /** Validates every value, naming the variable of the first one that cannot be used. */
  public OutboxSettings {
    requireBetween(POLL_INTERVAL, pollInterval, Duration.ofMillis(1), Duration.ofHours(1));
    if (batchSize < 1 || batchSize > 10_000) {
      throw new InvalidSettingException(
          BATCH_SIZE, String.valueOf(batchSize), "expected an integer from 1 to 10000");
    }
    requireBetween(RETENTION, retention, Duration.ofMillis(1), Duration.ofDays(3650));
    requireBetween(
        RETENTION_SWEEP_INTERVAL, retentionSweepInterval, Duration.ofMillis(1), Duration.ofDays(1));
    requireBetween(DELIVERY_TIMEOUT, deliveryTimeout, MIN_DELIVERY_TIMEOUT, Duration.ofHours(1));
    requireBetween(MAX_BACKOFF, maxBackoff, pollInterval, Duration.ofHours(1));
    requireBetween(KAFKA_GIVE_UP, kafkaGiveUp, Duration.ofSeconds(1), Duration.ofDays(1));
    // Renewed every third of it, each renewal bounded by the statement timeout: a lease under 3 s
    // would lapse on a database that is merely slow.
    requireBetween(LEASE, lease, Duration.ofSeconds(3), Duration.ofMinutes(10));
  }

  public static OutboxSettings from(Settings settings) {
    return new OutboxSettings(
        settings.duration(POLL_INTERVAL, Duration.ofMillis(500)),
        settings.integer(BATCH_SIZE, 2_000, 1, 10_000),
        settings.duration(RETENTION, Duration.ofDays(7)),
        settings.duration(RETENTION_SWEEP_INTERVAL, Duration.ofHours(1)),
        settings.duration(DELIVERY_TIMEOUT, Duration.ofSeconds(10)),
        settings.duration(MAX_BACKOFF, Duration.ofSeconds(30)),
        settings.duration(KAFKA_GIVE_UP, Duration.ofSeconds(30)),
        settings.duration(LEASE, Duration.ofSeconds(10)));
  }

  private static void requireBetween(String name, Duration value, Duration min, Duration max) {
    if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new InvalidSettingException(
          name,
          value == null ? "null" : value.toMillis() + "ms",
          "expected a duration from " + min.toMillis() + "ms to " + max.toMillis() + "ms");
    }
  }
}
