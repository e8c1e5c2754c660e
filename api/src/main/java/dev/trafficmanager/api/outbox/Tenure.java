package dev.trafficmanager.api.outbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * The leader's own view of its lease: held from the claim of its epoch for one lease past its last
 * successful renewal, and no longer once a renewal found another epoch. A leader that was frozen
 * for longer than the lease wakes with a lapsed tenure and so knows, before it reads another batch,
 * that a standby may have taken over, whether or not its renewal thread has run yet.
 *
 * <p>The relay thread begins and ends it and asks whether it is held; the renewal thread records
 * renewals. Thread-safe.
 */
final class Tenure {
  private final Duration lease;
  private final Clock clock;
  private long epoch;
  private boolean leading;
  private boolean superseded;
  private Instant renewedAt = Instant.MIN;

  Tenure(Duration lease, Clock clock) {
    this.lease = lease;
    this.clock = clock;
  }

  /** This relay has claimed the lease with {@code epoch}. */
  synchronized void begin(long epoch) {
    this.epoch = epoch;
    this.leading = true;
    this.superseded = false;
    this.renewedAt = clock.instant();
  }

  /** Leadership ended: nothing more to renew. */
  synchronized void end() {
    leading = false;
  }

  /** The epoch to renew, while this relay leads. */
  synchronized OptionalLong epoch() {
    return leading && !superseded ? OptionalLong.of(epoch) : OptionalLong.empty();
  }

  /** A renewal of {@code renewed} succeeded. */
  synchronized void renewed(long renewed) {
    if (leading && renewed == epoch) {
      renewedAt = clock.instant();
    }
  }

  /** A renewal of {@code renewed} found that another leadership has claimed the lease. */
  synchronized void supersededBy(long renewed) {
    if (renewed == epoch) {
      superseded = true;
    }
  }

  /** Whether this relay may still act as the leader. */
  synchronized boolean held() {
    return leading
        && !superseded
        && Duration.between(renewedAt, clock.instant()).compareTo(lease) < 0;
  }
}
