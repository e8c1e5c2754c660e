package dev.trafficmanager.api.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What the relay tells operators, above all while Kafka or PostgreSQL is down: one warning per
 * outage, not one per row or retry; one line once the rows an outage held back are all out, with
 * how many and how long it lasted; the state Kafka's health check reads; and the relay's meters,
 * {@code tm_outbox_published_total} (rows Kafka acknowledged) and {@code
 * tm_outbox_publish_failures_total} (rows whose publish attempt failed; each retry counts again).
 *
 * <p>The relay thread alone reports; {@link #isKafkaFailing()} may be read from any thread.
 */
final class OutageReport {
  static final String PUBLISHED = "tm.outbox.published";
  static final String PUBLISH_FAILURES = "tm.outbox.publish.failures";

  private static final Logger log = LoggerFactory.getLogger(OutageReport.class);

  private final Clock clock;
  private final Counter published;
  private final Counter publishFailures;
  private volatile boolean kafkaFailing;
  private boolean catchingUp;
  private Instant outageStarted;
  private long rowsSinceOutage;
  private boolean waitingForCircuit;
  private boolean databaseFailing;

  OutageReport(MeterRegistry meters, Clock clock) {
    this.clock = clock;
    this.published =
        Counter.builder(PUBLISHED).description("Outbox rows Kafka acknowledged").register(meters);
    this.publishFailures =
        Counter.builder(PUBLISH_FAILURES)
            .description("Outbox rows whose publish attempt failed; they stay pending")
            .register(meters);
  }

  /** Whether the last attempt to publish failed because of Kafka (rows stay pending). */
  boolean isKafkaFailing() {
    return kafkaFailing;
  }

  /** Kafka acknowledged {@code rows} rows. */
  void published(int rows) {
    published.increment(rows);
    if (kafkaFailing || catchingUp) {
      rowsSinceOutage += rows;
    }
  }

  /** Kafka answered the last attempt: an outage is over, and the rows it held back go out. */
  void kafkaAnswered() {
    if (kafkaFailing) {
      kafkaFailing = false;
      catchingUp = true;
    }
  }

  /** The broker refused one record alone; its route is set aside, which it reports itself. */
  void refused() {
    publishFailures.increment();
  }

  /** Warns once per outage: {@code failure}'s row could not be published, nor those after it. */
  void kafkaFailed(PublishResult.Failure failure, int rowsLeftPending) {
    publishFailures.increment();
    catchingUp = false;
    if (kafkaFailing) {
      return;
    }
    kafkaFailing = true;
    outageStarted = clock.instant();
    rowsSinceOutage = 0;
    OutboxRow row = failure.row();
    try (MDC.MDCCloseable c =
        MDC.putCloseable(BatchPublisher.MDC_CORRELATION_ID, row.correlationId())) {
      log.warn(
          "cannot publish to Kafka, rows stay pending and are retried with back-off"
              + " route_key={} revision={} event_id={} rows_pending_in_batch={} error={}",
          row.routeKey(),
          row.revision(),
          row.eventId(),
          rowsLeftPending,
          failure.cause().toString());
    }
  }

  /** Nothing is pending: once the rows held back by an outage are all out, says so. */
  void drained() {
    if (!catchingUp) {
      return;
    }
    catchingUp = false;
    log.info(
        "Kafka is reachable again, published the rows held back rows={} outage_ms={}",
        rowsSinceOutage,
        Duration.between(outageStarted, clock.instant()).toMillis());
  }

  /** Kafka's breaker refused an attempt; said once until it lets one through. */
  void circuitOpen(int rowsPending, Duration untilProbe) {
    if (waitingForCircuit) {
      return;
    }
    waitingForCircuit = true;
    log.info(
        "the Kafka circuit breaker is open, rows stay pending until it lets a probe through"
            + " rows_pending_in_batch={} wait_ms={}",
        rowsPending,
        untilProbe.toMillis());
  }

  /** Kafka's breaker let an attempt through. */
  void circuitLetThrough() {
    waitingForCircuit = false;
  }

  /** Warns once per database outage, however often the relay retries. */
  void databaseFailed(SQLException cause, boolean wasLeader) {
    if (databaseFailing) {
      return;
    }
    databaseFailing = true;
    log.warn(
        wasLeader
            ? "outbox relay lost its database session, no longer the leader, retrying"
            : "outbox relay cannot use the database, retrying",
        cause);
  }

  /** A failure the relay did not expect: a bug, reported every time. */
  void failedUnexpectedly(RuntimeException cause) {
    log.error("outbox relay failed unexpectedly, stepping down and retrying", cause);
  }

  /** The relay's session works (again). */
  void databaseReachable() {
    if (databaseFailing) {
      databaseFailing = false;
      log.info("outbox relay reached the database again");
    }
  }

  /** A relay that no longer leads reports no outage of its own. */
  void leadershipEnded() {
    kafkaFailing = false;
    catchingUp = false;
    waitingForCircuit = false;
  }
}
