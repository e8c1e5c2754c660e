package dev.trafficmanager.api.outbox;

import java.sql.SQLException;
import java.time.Duration;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews the leader's lease every third of the lease, on a thread and a connection of its own, so
 * that a leader busy with Kafka (a batch may wait a delivery timeout, longer than a lease) keeps
 * its lease, while a frozen process, whose every thread stops, loses it. A renewal that finds
 * another epoch marks the {@link Tenure} superseded; a failed one is tried once more at once, then
 * at the next turn, each time on a new connection (the tenure lapses if none succeeds within the
 * lease).
 */
final class LeaseHeartbeat {
  private static final Logger log = LoggerFactory.getLogger(LeaseHeartbeat.class);

  /** Attempts per renewal, each on a new connection after a failure. */
  static final int ATTEMPTS = 2;

  /** The renewal's connection. */
  interface Renewals {
    /**
     * Renews the lease of {@code epoch}.
     *
     * @return false when another leadership has claimed the lease
     */
    boolean renew(long epoch) throws SQLException;

    /** Drops the connection; the next renewal opens a new one. */
    void close();
  }

  private final Tenure tenure;
  private final Renewals renewals;
  private final Duration period;
  private final Pauses pauses;

  LeaseHeartbeat(Tenure tenure, Renewals renewals, Duration lease, Pauses pauses) {
    this.tenure = tenure;
    this.renewals = renewals;
    this.period = lease.dividedBy(3);
    this.pauses = pauses;
  }

  /** Renews while this relay leads, until asked to stop. */
  void run() {
    try {
      while (!pauses.stopping()) {
        renewOnce();
        pauses.pause(period);
      }
    } finally {
      renewals.close();
    }
  }

  /** One renewal, if this relay leads. */
  void renewOnce() {
    OptionalLong epoch = tenure.epoch();
    if (epoch.isEmpty()) {
      return;
    }
    // A connection the server ended while it idled (a restart) fails the first statement: one
    // more attempt on a new connection, so that a restart does not cost a third of the lease.
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        renew(epoch.getAsLong());
        return;
      } catch (SQLException e) {
        renewals.close();
        log.warn(
            "renewing the outbox relay's lease failed attempt={} error={}", attempt, e.toString());
      }
    }
  }

  private void renew(long epoch) throws SQLException {
    if (renewals.renew(epoch)) {
      tenure.renewed(epoch);
    } else {
      tenure.supersededBy(epoch);
      log.warn(
          "another outbox relay has taken over the lease, this one stops leading epoch={}", epoch);
    }
  }
}
