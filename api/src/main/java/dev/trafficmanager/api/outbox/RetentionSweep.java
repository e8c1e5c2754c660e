package dev.trafficmanager.api.outbox;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's retention sweep: every sweep interval, deletes published rows older than the
 * retention in statements of at most one batch each, for at most {@link #BUDGET} at a time, so that
 * a large first sweep never starves publication; an unfinished sweep goes on after the next batch.
 * The relay thread alone uses it.
 */
final class RetentionSweep {
  /** The most time one sweep may take before the relay goes back to publishing. */
  static final Duration BUDGET = Duration.ofSeconds(1);

  private static final Logger log = LoggerFactory.getLogger(RetentionSweep.class);

  private final Duration retention;
  private final Duration interval;
  private final int batchSize;
  private final Pauses pauses;
  private final Clock clock;
  private Instant next = Instant.MIN;

  RetentionSweep(OutboxSettings settings, Pauses pauses, Clock clock) {
    this.retention = settings.retention();
    this.interval = settings.retentionSweepInterval();
    this.batchSize = settings.batchSize();
    this.pauses = pauses;
    this.clock = clock;
  }

  /** A new leader sweeps at once. */
  void dueNow() {
    next = clock.instant();
  }

  /**
   * Sweeps if the interval has passed since the last finished sweep.
   *
   * @return how many rows were deleted
   */
  long sweepIfDue(OutboxSource outbox) throws SQLException {
    Instant now = clock.instant();
    if (now.isBefore(next)) {
      return 0;
    }
    Instant deadline = now.plus(BUDGET);
    long deleted = 0;
    int last;
    do {
      last = outbox.deletePublishedBefore(retention, batchSize);
      deleted += last;
    } while (last == batchSize && !pauses.stopping() && clock.instant().isBefore(deadline));
    boolean finished = last < batchSize;
    next = finished ? now.plus(interval) : now;
    if (deleted > 0) {
      log.info(
          "deleted published outbox rows older than the retention rows={} retention={} finished={}",
          deleted,
          retention,
          finished);
    }
    return deleted;
  }
}
