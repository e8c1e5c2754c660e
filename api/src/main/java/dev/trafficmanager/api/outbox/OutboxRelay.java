package dev.trafficmanager.api.outbox;

import dev.trafficmanager.config.DatabaseSettings;
import dev.trafficmanager.config.KafkaSettings;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Publishes committed outbox rows to the {@code route-events} topic and marks them published.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li><b>Nothing committed is lost.</b> A row is marked published only after the broker
 *       acknowledged it on all in-sync replicas; a row that failed stays pending and is retried,
 *       with bounded, jittered back-off, for as long as Kafka is unreachable. Delivery is at least
 *       once: a row can be published twice (an ack lost in a crash or timeout), never skipped.
 *   <li><b>Per-route order.</b> A route's rows are published in id (= revision) order, and a
 *       revision is never sent before the previous one of the same route was acknowledged.
 *   <li><b>One active relay</b> across every instance sharing a database: the leader holds a
 *       session-level PostgreSQL advisory lock on its own connection. Standbys retry the lock every
 *       poll interval; when the leader's session ends (process died, connection broke) the lock is
 *       released and a standby takes over. A leader whose connection breaks stops publishing and
 *       becomes a standby.
 *   <li><b>Latency</b>: the leader {@code LISTEN}s on {@link #CHANNEL} and wakes when a writer's
 *       {@code NOTIFY} commits; otherwise it polls every poll interval. Polling alone is correct.
 *   <li><b>Retention</b>: the leader deletes published rows older than the retention, in bounded
 *       batches.
 * </ul>
 *
 * <p>All work runs on one thread, {@value #THREAD_NAME}, started by {@link #start()}. The relay
 * opens its own connection (outside any pool, so the lock lives exactly as long as the session)
 * and, while it leads, its own producer.
 */
public final class OutboxRelay implements AutoCloseable {
  /** The channel a writer notifies ({@code NOTIFY outbox}) after inserting outbox rows. */
  public static final String CHANNEL = "outbox";

  static final String THREAD_NAME = "tm-outbox-relay";

  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

  /** The most time one retention sweep may take before the relay goes back to publishing. */
  private static final Duration SWEEP_BUDGET = Duration.ofSeconds(1);

  private final DatabaseSettings db;
  private final KafkaSettings kafka;
  private final OutboxSettings settings;
  private final Duration ackTimeout;
  private final Thread thread;
  private final AtomicBoolean started = new AtomicBoolean();
  private final Object pauses = new Object();
  private volatile boolean stopping;
  private volatile boolean leader;

  // Owned by the relay thread.
  private final Backoff kafkaBackoff;
  private final Backoff databaseBackoff;
  private RelaySession session;
  private Producer<String, byte[]> producer;
  private boolean databaseFailing;
  private boolean standingBy;
  private boolean kafkaFailing;
  private boolean catchingUp;
  private long outageStartedNanos;
  private long rowsSinceOutage;
  private long nextSweepNanos;

  public OutboxRelay(DatabaseSettings db, KafkaSettings kafka, OutboxSettings settings) {
    this.db = db;
    this.kafka = kafka;
    this.settings = settings;
    this.ackTimeout =
        settings.deliveryTimeout().plus(RelayProducer.MAX_BLOCK).plus(Duration.ofSeconds(5));
    this.kafkaBackoff = newBackoff(settings);
    this.databaseBackoff = newBackoff(settings);
    this.thread = new Thread(this::run, THREAD_NAME);
    // The relay never keeps a process alive by itself: its owner's lifecycle decides.
    this.thread.setDaemon(true);
  }

  /**
   * Starts the relay thread, which connects, competes for leadership and, once it leads, publishes.
   * Returns at once; neither PostgreSQL nor Kafka needs to be reachable yet.
   *
   * @throws IllegalStateException when called twice or after {@link #close()}
   */
  public void start() {
    if (stopping || !started.compareAndSet(false, true)) {
      throw new IllegalStateException("the outbox relay can be started once");
    }
    thread.start();
  }

  /** Whether this relay currently holds the leader lock and publishes. */
  public boolean isLeader() {
    return leader;
  }

  /**
   * Stops the relay: finishes (or abandons, once the producer's delivery timeout has passed) the
   * batch in progress, closes the producer and ends the session, releasing the leader lock.
   * Idempotent. Rows not yet marked stay pending for the next leader.
   */
  @Override
  public void close() {
    stopping = true;
    synchronized (pauses) {
      pauses.notifyAll();
    }
    if (!started.get() || Thread.currentThread() == thread) {
      return;
    }
    Duration bound =
        ackTimeout.plus(settings.pollInterval()).plus(db.connectionTimeout()).plusSeconds(5);
    try {
      thread.join(bound.toMillis());
      if (thread.isAlive()) {
        log.warn("outbox relay did not stop within {} ms, interrupting it", bound.toMillis());
        thread.interrupt();
        thread.join(5_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    log.info(
        "outbox relay started topic={} poll_interval_ms={} batch_size={}",
        kafka.topics().routeEvents().name(),
        settings.pollInterval().toMillis(),
        settings.batchSize());
    try {
      while (!stopping) {
        try {
          if (session == null) {
            session = RelaySession.open(db);
          }
          if (session.tryLead()) {
            standingBy = false;
            lead();
          } else {
            databaseReachable();
            if (!standingBy) {
              standingBy = true;
              log.info("another outbox relay leads, standing by");
            }
            pause(settings.pollInterval());
          }
        } catch (SQLException e) {
          stepDown(e);
          pause(databaseBackoff.next());
        } catch (InterruptException e) {
          // Only close() interrupts, once the relay overran its bound: stop now.
          break;
        } catch (RuntimeException e) {
          log.error("outbox relay failed unexpectedly, stepping down and retrying", e);
          stepDown(null);
          pause(databaseBackoff.next());
        }
      }
    } finally {
      leader = false;
      closeProducer();
      closeSession();
      log.info("outbox relay stopped");
    }
  }

  /** Publishes until asked to stop; a broken session ends it with {@link SQLException}. */
  private void lead() throws SQLException {
    session.listen(CHANNEL);
    leader = true;
    log.info("outbox relay is the leader, publishing");
    nextSweepNanos = System.nanoTime();
    // Whatever is pending when leadership begins is published at once.
    boolean publishNow = true;
    while (!stopping) {
      if (!publishNow) {
        session.awaitNotification(settings.pollInterval());
        if (stopping) {
          return;
        }
      }
      Batch batch = publishBatch();
      databaseReachable();
      if (batch == Batch.KAFKA_FAILED) {
        pause(kafkaBackoff.next());
        publishNow = true;
        continue;
      }
      sweepIfDue();
      publishNow = batch == Batch.FULL;
    }
  }

  private enum Batch {
    /** A full batch was published: more rows are probably waiting. */
    FULL,
    /** Fewer rows than a batch: the backlog is drained. */
    DRAINED,
    /** Some row could not be published; it stays pending. */
    KAFKA_FAILED
  }

  private Batch publishBatch() throws SQLException {
    List<OutboxRow> rows = session.pending(settings.batchSize());
    if (rows.isEmpty()) {
      finishCatchingUp();
      return Batch.DRAINED;
    }
    PublishResult result;
    try {
      if (producer == null) {
        producer = RelayProducer.open(kafka, settings);
      }
      result =
          new BatchPublisher(producer, kafka.topics().routeEvents().name(), ackTimeout)
              .publish(rows);
    } catch (KafkaException e) {
      if (e instanceof InterruptException) {
        throw e;
      }
      onKafkaFailure(new PublishResult.Failure(rows.get(0), e), rows.size());
      return Batch.KAFKA_FAILED;
    }
    // Mark before deciding anything else: acknowledged rows must not be sent again needlessly.
    session.markPublished(result.acknowledgedIds());
    if (kafkaFailing || catchingUp) {
      rowsSinceOutage += result.acknowledged().size();
    }
    if (result.failedAny()) {
      onKafkaFailure(result.firstFailure().orElseThrow(), result.failed() + result.held());
      return Batch.KAFKA_FAILED;
    }
    kafkaBackoff.reset();
    if (kafkaFailing) {
      kafkaFailing = false;
      catchingUp = true;
    }
    if (rows.size() < settings.batchSize()) {
      finishCatchingUp();
      return Batch.DRAINED;
    }
    return Batch.FULL;
  }

  /**
   * Warns once per outage, not per row or per retry. A fresh producer is built for the next
   * attempt: after records expired, a new producer id starts the partitions' sequences afresh.
   */
  private void onKafkaFailure(PublishResult.Failure failure, int rowsLeftPending) {
    closeProducer();
    catchingUp = false;
    if (kafkaFailing) {
      return;
    }
    kafkaFailing = true;
    outageStartedNanos = System.nanoTime();
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

  /** Once the rows held back by an outage are all out, says so, with how many there were. */
  private void finishCatchingUp() {
    if (!catchingUp) {
      return;
    }
    catchingUp = false;
    log.info(
        "Kafka is reachable again, published the rows held back rows={} outage_ms={}",
        rowsSinceOutage,
        Duration.ofNanos(System.nanoTime() - outageStartedNanos).toMillis());
  }

  private void sweepIfDue() throws SQLException {
    long now = System.nanoTime();
    if (now - nextSweepNanos < 0) {
      return;
    }
    long deadline = now + SWEEP_BUDGET.toNanos();
    long deleted = 0;
    int last;
    do {
      last = session.deletePublishedBefore(settings.retention(), settings.batchSize());
      deleted += last;
    } while (last == settings.batchSize() && !stopping && System.nanoTime() - deadline < 0);
    boolean finished = last < settings.batchSize();
    // An unfinished sweep continues after the next batch instead of starving publication.
    nextSweepNanos = finished ? now + settings.retentionSweepInterval().toNanos() : now;
    if (deleted > 0) {
      log.info(
          "deleted published outbox rows older than the retention rows={} retention={} finished={}",
          deleted,
          settings.retention(),
          finished);
    }
  }

  /**
   * Warns once per database outage, however often the relay retries; a standby keeps trying to take
   * over, backing off while the database keeps failing.
   */
  private void stepDown(SQLException cause) {
    if (cause != null && !databaseFailing) {
      databaseFailing = true;
      log.warn(
          leader
              ? "outbox relay lost its database session, no longer the leader, retrying"
              : "outbox relay cannot use the database, retrying",
          cause);
    } else if (leader) {
      log.info("outbox relay stepped down");
    }
    leader = false;
    standingBy = false;
    kafkaFailing = false;
    catchingUp = false;
    closeProducer();
    closeSession();
  }

  private void databaseReachable() {
    databaseBackoff.reset();
    if (databaseFailing) {
      databaseFailing = false;
      log.info("outbox relay reached the database again");
    }
  }

  private static Backoff newBackoff(OutboxSettings settings) {
    return new Backoff(
        settings.pollInterval(),
        settings.maxBackoff(),
        () -> ThreadLocalRandom.current().nextDouble());
  }

  private void pause(Duration duration) {
    long deadline = System.nanoTime() + duration.toNanos();
    synchronized (pauses) {
      long left;
      while (!stopping && (left = deadline - System.nanoTime()) > 0) {
        try {
          pauses.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          stopping = true;
        }
      }
    }
  }

  private void closeProducer() {
    if (producer != null) {
      try {
        producer.close(settings.deliveryTimeout());
      } catch (KafkaException e) {
        log.debug("closing the outbox producer failed error={}", e.toString());
      }
      producer = null;
    }
  }

  private void closeSession() {
    if (session != null) {
      session.close();
      session = null;
    }
  }
}
