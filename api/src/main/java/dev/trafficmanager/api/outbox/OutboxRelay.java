package dev.trafficmanager.api.outbox;

import dev.trafficmanager.api.resilience.Circuits;
import dev.trafficmanager.config.DatabaseSettings;
import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.resilience.Backoff;
import dev.trafficmanager.resilience.Dependency;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
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
 *       with exponential backoff and full jitter ({@link Backoff}), for as long as Kafka is
 *       unreachable. Delivery is at least once: a row can be published twice (an ack lost in a
 *       crash or timeout), never skipped.
 *   <li><b>Per-route order.</b> A route's rows are published in id (= revision) order, a batch at a
 *       time in one Kafka transaction ({@link BatchPublisher}): a later revision never becomes
 *       visible to {@code read_committed} readers while an earlier one failed.
 *   <li><b>One active relay</b> across every instance sharing a database: the leader holds a
 *       session-level PostgreSQL advisory lock on its own connection. Standbys retry the lock every
 *       poll interval; when the leader's session ends (process died, connection broke) the lock is
 *       released and a standby takes over. A leader whose connection breaks stops publishing and
 *       becomes a standby.
 *   <li><b>Kafka's circuit breaker.</b> Each publish attempt is one call on the process's {@code
 *       kafka} breaker and records its outcome (a record the broker refused alone, such as one too
 *       large, does not count against Kafka). While the breaker is open the relay sends nothing: it
 *       waits until the breaker lets a probe through. While the breaker is not closed and nothing
 *       is pending, the leader probes Kafka with a metadata request, so the breaker closes again
 *       without waiting for the next write.
 *   <li><b>Latency</b>: the leader {@code LISTEN}s on {@link OutboxStore#CHANNEL} and wakes when a
 *       writer's {@code NOTIFY} commits; otherwise it polls every poll interval. Polling alone is
 *       correct.
 *   <li><b>Retention</b>: the leader deletes published rows older than the retention, in bounded
 *       batches.
 *   <li><b>Stopping</b>: {@link #close()} finishes the batch in progress and, while Kafka is
 *       reachable, publishes what is still pending for at most one delivery timeout more.
 * </ul>
 *
 * <p>The relay's retries are not drawn from the Kafka retry budget: it is one loop, its backoff and
 * the breaker already bound how often it calls, and the budget's refusal could only make it wait
 * longer, which the backoff does.
 *
 * <p>Meters: {@code tm_outbox_published_total} (rows acknowledged by Kafka) and {@code
 * tm_outbox_publish_failures_total} (rows whose publish attempt failed; each retry counts again).
 *
 * <p>All work runs on one thread, {@value #THREAD_NAME}, started by {@link #start()}. The relay
 * opens its own connection (outside any pool, so the lock lives exactly as long as the session)
 * and, while it leads, its own producer.
 */
public final class OutboxRelay implements AutoCloseable {
  static final String THREAD_NAME = "tm-outbox-relay";
  static final String PUBLISHED = "tm.outbox.published";
  static final String PUBLISH_FAILURES = "tm.outbox.publish.failures";

  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

  /** The most time one retention sweep may take before the relay goes back to publishing. */
  private static final Duration SWEEP_BUDGET = Duration.ofSeconds(1);

  /** How often a relay waiting for a notification checks whether it was asked to stop. */
  private static final Duration STOP_CHECK = Duration.ofMillis(200);

  private final DatabaseSettings db;
  private final KafkaSettings kafka;
  private final OutboxSettings settings;
  private final Circuits circuits;
  private final CircuitBreaker kafkaBreaker;
  private final Backoff backoff;
  private final Counter published;
  private final Counter publishFailures;
  private final Duration ackTimeout;
  private final OutboxStore store = new OutboxStore();
  private final BatchPublisher publisher;
  private final Thread thread;
  private final AtomicBoolean started = new AtomicBoolean();
  private final Object pauses = new Object();
  private volatile boolean stopping;
  private volatile boolean leader;
  private volatile boolean kafkaFailing;

  // Owned by the relay thread.
  private RelaySession session;
  private Producer<String, byte[]> producer;
  private int kafkaFailures;
  private int databaseFailures;
  private boolean databaseFailing;
  private boolean standingBy;
  private boolean waitingForCircuit;
  private boolean catchingUp;
  private long outageStartedNanos;
  private long rowsSinceOutage;
  private long nextSweepNanos;

  /**
   * @param circuits the process's breakers; the relay uses the {@code kafka} one
   * @param meters where the relay's counters go
   */
  public OutboxRelay(
      DatabaseSettings db,
      KafkaSettings kafka,
      OutboxSettings settings,
      Circuits circuits,
      MeterRegistry meters) {
    this.db = db;
    this.kafka = kafka;
    this.settings = settings;
    this.circuits = circuits;
    this.kafkaBreaker = circuits.breaker(Dependency.KAFKA);
    this.backoff = new Backoff(settings.pollInterval(), settings.maxBackoff());
    this.published =
        Counter.builder(PUBLISHED).description("Outbox rows Kafka acknowledged").register(meters);
    this.publishFailures =
        Counter.builder(PUBLISH_FAILURES)
            .description("Outbox rows whose publish attempt failed; they stay pending")
            .register(meters);
    this.ackTimeout =
        settings.deliveryTimeout().plus(RelayProducer.MAX_BLOCK).plus(Duration.ofSeconds(5));
    this.publisher =
        new BatchPublisher(
            kafka.topics().routeEvents().name(),
            ackTimeout,
            settings.maxBackoff(),
            Clock.systemUTC());
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

  /** Whether this relay leads and its last attempt to publish failed (rows stay pending). */
  public boolean isKafkaFailing() {
    return leader && kafkaFailing;
  }

  /**
   * Stops the relay: finishes (or abandons, once the producer's delivery timeout has passed) the
   * batch in progress, publishes what is still pending if Kafka is reachable (for at most one
   * delivery timeout), closes the producer and ends the session, releasing the leader lock.
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
        ackTimeout
            .multipliedBy(2)
            .plus(settings.deliveryTimeout())
            .plus(settings.pollInterval())
            .plus(db.connectionTimeout())
            .plusSeconds(5);
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
          pause(backoff.delay(databaseFailures++));
        } catch (InterruptException e) {
          // Only close() interrupts, once the relay overran its bound: stop now.
          break;
        } catch (RuntimeException e) {
          log.error("outbox relay failed unexpectedly, stepping down and retrying", e);
          stepDown(null);
          pause(backoff.delay(databaseFailures++));
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
    session.listen(OutboxStore.CHANNEL);
    leader = true;
    log.info("outbox relay is the leader, publishing");
    nextSweepNanos = System.nanoTime();
    // Whatever is pending when leadership begins is published at once.
    boolean publishNow = true;
    while (!stopping) {
      if (!publishNow) {
        awaitNotification();
        if (stopping) {
          break;
        }
      }
      Batch batch = publishBatch();
      databaseReachable();
      if (batch == Batch.KAFKA_FAILED) {
        pause(backoff.delay(kafkaFailures++));
        publishNow = true;
        continue;
      }
      if (batch == Batch.CIRCUIT_OPEN) {
        pause(circuitWait());
        publishNow = true;
        continue;
      }
      if (batch == Batch.DRAINED) {
        probeKafkaIfRecovering();
      }
      sweepIfDue();
      publishNow = batch == Batch.FULL;
    }
    flushBeforeStopping();
  }

  /** Waits for a writer's NOTIFY for at most one poll interval, or until asked to stop. */
  private void awaitNotification() throws SQLException {
    long deadline = System.nanoTime() + settings.pollInterval().toNanos();
    long left;
    while (!stopping && (left = deadline - System.nanoTime()) > 0) {
      if (session.awaitNotification(Duration.ofNanos(Math.min(left, STOP_CHECK.toNanos())))) {
        return;
      }
    }
  }

  private enum Batch {
    /** A full batch was published: more rows are probably waiting. */
    FULL,
    /** Fewer rows than a batch: the backlog is drained. */
    DRAINED,
    /** Some row could not be published; it stays pending. */
    KAFKA_FAILED,
    /** Kafka's circuit breaker refused the attempt; every row stays pending. */
    CIRCUIT_OPEN
  }

  private Batch publishBatch() throws SQLException {
    List<OutboxRow> rows = store.pending(session.connection(), settings.batchSize());
    if (rows.isEmpty()) {
      finishCatchingUp();
      return Batch.DRAINED;
    }
    if (!kafkaBreaker.tryAcquirePermission()) {
      if (!waitingForCircuit) {
        waitingForCircuit = true;
        log.info(
            "the Kafka circuit breaker is open, rows stay pending until it lets a probe through"
                + " rows_pending_in_batch={} wait_ms={}",
            rows.size(),
            circuits.untilProbe(Dependency.KAFKA).toMillis());
      }
      return Batch.CIRCUIT_OPEN;
    }
    waitingForCircuit = false;
    long start = System.nanoTime();
    PublishResult result;
    try {
      if (producer == null) {
        producer = RelayProducer.open(kafka, settings);
      }
      result = publisher.publish(producer, rows);
    } catch (InterruptException e) {
      kafkaBreaker.releasePermission();
      throw e;
    } catch (KafkaException e) {
      kafkaBreaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
      publishFailures.increment();
      onKafkaFailure(new PublishResult.Failure(rows.get(0), e), rows.size());
      return Batch.KAFKA_FAILED;
    } catch (RuntimeException e) {
      kafkaBreaker.releasePermission();
      throw e;
    }
    recordOnBreaker(result, System.nanoTime() - start);
    published.increment(result.acknowledged().size());
    publishFailures.increment(result.failed());
    // Mark before deciding anything else: acknowledged rows must not be sent again needlessly.
    store.markPublished(session.connection(), result.acknowledgedIds());
    if (kafkaFailing || catchingUp) {
      rowsSinceOutage += result.acknowledged().size();
    }
    PublishResult.Failure failure = result.firstFailure().orElse(null);
    if (failure != null && failure.isTransient()) {
      onKafkaFailure(failure, result.failed() + result.held());
      return Batch.KAFKA_FAILED;
    }
    if (failure != null) {
      // The broker refused one record and its route is set aside: the others go again at once.
      return Batch.FULL;
    }
    kafkaFailures = 0;
    if (kafkaFailing) {
      kafkaFailing = false;
      catchingUp = true;
    }
    if (rows.size() < settings.batchSize() || result.acknowledged().isEmpty()) {
      finishCatchingUp();
      return Batch.DRAINED;
    }
    return Batch.FULL;
  }

  private void recordOnBreaker(PublishResult result, long nanos) {
    PublishResult.Failure failure = result.firstFailure().orElse(null);
    if (failure != null && failure.isTransient()) {
      kafkaBreaker.onError(nanos, TimeUnit.NANOSECONDS, failure.cause());
    } else {
      // The broker answered: a record it refused alone says nothing about Kafka's health.
      kafkaBreaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
    }
  }

  /** How long to wait for an open breaker: until its probe is due, within the backoff's bounds. */
  private Duration circuitWait() {
    Duration wait = circuits.untilProbe(Dependency.KAFKA);
    if (wait.compareTo(settings.pollInterval()) < 0) {
      return settings.pollInterval();
    }
    return wait.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : wait;
  }

  /**
   * With nothing to publish, an open or half-open breaker would wait for the next write to learn
   * that Kafka is back. A metadata request is a call like any other: it lets the breaker close (or
   * open again) now.
   */
  private void probeKafkaIfRecovering() {
    CircuitBreaker.State state = kafkaBreaker.getState();
    if ((state != CircuitBreaker.State.OPEN && state != CircuitBreaker.State.HALF_OPEN)
        || !circuits.untilProbe(Dependency.KAFKA).isZero()
        || !kafkaBreaker.tryAcquirePermission()) {
      return;
    }
    long start = System.nanoTime();
    try {
      if (producer == null) {
        producer = RelayProducer.open(kafka, settings);
      }
      producer.partitionsFor(kafka.topics().routeEvents().name());
      kafkaBreaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    } catch (InterruptException e) {
      kafkaBreaker.releasePermission();
      throw e;
    } catch (KafkaException e) {
      kafkaBreaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
      closeProducer();
      log.debug("Kafka probe failed error={}", e.toString());
    }
  }

  /**
   * Publishes what the last writes left pending, so a stopping instance hands over nothing it could
   * have sent; skipped while Kafka is failing, bounded by one delivery timeout.
   */
  private void flushBeforeStopping() throws SQLException {
    if (kafkaFailing || !leader) {
      return;
    }
    long deadline = System.nanoTime() + settings.deliveryTimeout().toNanos();
    Batch batch;
    do {
      batch = publishBatch();
    } while (batch == Batch.FULL && System.nanoTime() - deadline < 0);
    log.info(
        "outbox relay flushed before stopping outcome={}", batch.name().toLowerCase(Locale.ROOT));
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
      last =
          store.deletePublishedBefore(
              session.connection(), settings.retention(), settings.batchSize());
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
    waitingForCircuit = false;
    closeProducer();
    closeSession();
  }

  private void databaseReachable() {
    databaseFailures = 0;
    if (databaseFailing) {
      databaseFailing = false;
      log.info("outbox relay reached the database again");
    }
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
