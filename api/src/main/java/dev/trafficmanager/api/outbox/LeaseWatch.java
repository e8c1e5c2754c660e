package dev.trafficmanager.api.outbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A standby's judgement of the leader's lease: expired once the standby has read the same {@link
 * LeaseMark} (or no lease at all) for a whole lease by its own clock. Measuring by the standby's
 * clock between its own reads means the servers' clocks never need to agree. A standby that has
 * just started, or that sees the lease move, starts counting again. Used by the relay thread only.
 */
final class LeaseWatch {
  private final Duration lease;
  private final Clock clock;
  private Optional<LeaseMark> last = Optional.empty();
  private Instant unchangedSince;

  LeaseWatch(Duration lease, Clock clock) {
    this.lease = lease;
    this.clock = clock;
  }

  /** Records what was read now; true when it has not changed for a whole lease. */
  boolean expired(Optional<LeaseMark> seen) {
    Instant now = clock.instant();
    if (unchangedSince == null || !seen.equals(last)) {
      last = seen;
      unchangedSince = now;
      return false;
    }
    return Duration.between(unchangedSince, now).compareTo(lease) >= 0;
  }

  /** Forgets what was seen: after a takeover attempt, or once this relay leads. */
  void reset() {
    unchangedSince = null;
    last = Optional.empty();
  }
}
