package dev.trafficmanager.api.outbox;

import dev.trafficmanager.api.resilience.Circuits;
import dev.trafficmanager.resilience.Backoff;
import dev.trafficmanager.resilience.Dependency;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's work: reads pending rows, publishes them as one batch ({@link BatchPublisher}) and
 * marks them published, again and again until the relay is asked to stop.
 *
 * <ul>
 *   <li><b>Waking</b>: a full batch is followed by the next at once; otherwise the loop waits for a
 *       writer's {@code NOTIFY}, which wakes it at once, or one poll interval.
 *   <li><b>Reading ahead</b>: while a full batch is in flight to Kafka, the next one is read from
 *       PostgreSQL (every pending row but those in flight), so that draining a backlog overlaps the
 *       two instead of waiting for each in turn. What was read ahead is published only if the batch
 *       before it went out whole; otherwise it is dropped and the next batch read again, so a later
 *       revision never overtakes an earlier one that failed or was set aside.
 *   <li><b>Kafka failing</b>: a batch that failed is not marked; it is tried again, whole, after a
 *       backoff with full jitter, with a fresh producer.
 *   <li><b>A record refused alone</b> (too large, invalid) sets its route aside ({@link
 *       BatchPublisher}); the other routes go on at once.
 *   <li><b>Kafka's circuit breaker</b>: each batch is one call through the process's {@code kafka}
 *       breaker, decorated by resilience4j. A batch that failed because of Kafka is a failed call;
 *       a record the broker refused alone is an answer, not a failure, so it is a result (a {@link
 *       PublishResult} with a failure that is not transient) and counts as a success. While the
 *       breaker is open nothing is sent: the loop waits until it lets a probe through. While the
 *       breaker is not closed and nothing is pending, a metadata request is the probe, so that the
 *       breaker closes again without waiting for the next write.
 *   <li><b>Retention</b>: after each batch, the {@link RetentionSweep} if it is due.
 *   <li><b>Giving up</b>: once publishing has failed (Kafka failing, or its breaker open) for
 *       {@link OutboxSettings#kafkaGiveUp()}, the loop gives its leadership up ({@link
 *       LeaderElection.Ending#GAVE_UP}), so that a relay that reaches Kafka publishes instead of
 *       one that keeps the lock and cannot. It gives up at most one attempt (a delivery timeout and
 *       a producer's block) after the bound.
 *   <li><b>Stopping</b>: once asked to stop, publishes what is still pending while Kafka is
 *       reachable, for at most one delivery timeout.
 * </ul>
 *
 * <p>Opens its producer lazily and replaces it after a failure: after records expired, a new
 * producer id starts the partitions' sequences afresh. The relay thread alone uses it.
 */
final class PublishLoop implements LeaderElection.LeaderWork {
  /** How often a loop waiting for a notification checks whether it was asked to stop. */
  static final Duration STOP_CHECK = Duration.ofMillis(200);

  private static final Logger log = LoggerFactory.getLogger(PublishLoop.class);

  /** What one batch came to. */
  enum Round {
    /** A full batch was published, or a route set aside: more rows are probably waiting. */
    FULL,
    /** Fewer rows than a batch: the backlog is drained. */
    DRAINED,
    /** Kafka failed the batch; every row stays pending. */
    KAFKA_FAILED,
    /** Kafka's circuit breaker refused the attempt; every row stays pending. */
    CIRCUIT_OPEN
  }

  private final OutboxSettings settings;
  private final BatchPublisher publisher;
  private final Supplier<Producer<String, byte[]>> producers;
  private final Backoff backoff;
  private final Circuits circuits;
  private final CircuitBreaker breaker;
  private final RetentionSweep sweep;
  private final OutageReport report;
  private final Pauses pauses;
  private final Clock clock;
  private Producer<String, byte[]> producer;
  private int kafkaFailures;
  private List<OutboxRow> readAhead = List.of();

  /**
   * @param producers opens a producer with its transactions initialised, or throws {@link
   *     KafkaException}
   * @param backoff the waits between attempts while Kafka fails
   * @param circuits the process's breakers; the loop calls through the {@code kafka} one
   */
  PublishLoop(
      OutboxSettings settings,
      BatchPublisher publisher,
      Supplier<Producer<String, byte[]>> producers,
      Backoff backoff,
      Circuits circuits,
      RetentionSweep sweep,
      OutageReport report,
      Pauses pauses,
      Clock clock) {
    this.settings = settings;
    this.publisher = publisher;
    this.producers = producers;
    this.backoff = backoff;
    this.circuits = circuits;
    this.breaker = circuits.breaker(Dependency.KAFKA);
    this.sweep = sweep;
    this.report = report;
    this.pauses = pauses;
    this.clock = clock;
  }

  @Override
  public LeaderElection.Ending lead(OutboxSource outbox) throws SQLException {
    readAhead = List.of();
    outbox.listen();
    sweep.dueNow();
    // Whatever is pending when leadership begins is published at once.
    boolean publishNow = true;
    Instant failingSince = null;
    while (!pauses.stopping()) {
      if (!publishNow && !awaitWork(outbox)) {
        break;
      }
      Instant attempted = clock.instant();
      Round round = publishBatch(outbox);
      if (round == Round.KAFKA_FAILED || round == Round.CIRCUIT_OPEN) {
        failingSince = failingSince == null ? attempted : failingSince;
        Duration left =
            settings.kafkaGiveUp().minus(Duration.between(failingSince, clock.instant()));
        if (left.isNegative() || left.isZero()) {
          log.warn(
              "outbox relay cannot publish to Kafka, giving up leadership failing_ms={}",
              Duration.between(failingSince, clock.instant()).toMillis());
          return LeaderElection.Ending.GAVE_UP;
        }
        Duration wait =
            round == Round.KAFKA_FAILED ? backoff.delay(kafkaFailures++) : circuitWait();
        pauses.pause(wait.compareTo(left) < 0 ? wait : left);
        publishNow = true;
        continue;
      }
      failingSince = null;
      kafkaFailures = 0;
      if (round == Round.DRAINED) {
        probeKafkaIfRecovering();
        fenceEarlierLeaders();
      }
      sweep.sweepIfDue(outbox);
      publishNow = round == Round.FULL;
    }
    flushBeforeStopping(outbox);
    return LeaderElection.Ending.STOPPED;
  }

  /**
   * Opens the producer while nothing is pending rather than with the next batch: its initialisation
   * fences every producer of the same transactional id, so a deposed leader that wakes mid-batch
   * cannot commit it even while this leader has nothing to publish. Skipped while Kafka's breaker
   * is not closed; a failure leaves it to the next batch.
   */
  private void fenceEarlierLeaders() {
    if (producer != null || breaker.getState() != CircuitBreaker.State.CLOSED) {
      return;
    }
    try {
      producer();
    } catch (InterruptException e) {
      throw e;
    } catch (KafkaException e) {
      closeProducer();
      log.debug("opening the outbox producer failed error={}", e.toString());
    }
  }

  @Override
  public void abandon() {
    closeProducer();
    report.leadershipEnded();
  }

  /** Publishes one batch of pending rows and marks what Kafka acknowledged. */
  Round publishBatch(OutboxSource outbox) throws SQLException {
    List<OutboxRow> rows = readAhead.isEmpty() ? outbox.pending(settings.batchSize()) : readAhead;
    readAhead = List.of();
    if (rows.isEmpty()) {
      report.drained();
      return Round.DRAINED;
    }
    ReadAhead next = new ReadAhead(outbox, rows);
    PublishResult result;
    try {
      result = breaker.executeSupplier(() -> publishOrFail(rows, next));
    } catch (CallNotPermittedException e) {
      report.circuitOpen(rows.size(), circuits.untilProbe(Dependency.KAFKA));
      return Round.CIRCUIT_OPEN;
    } catch (BatchFailedException e) {
      return kafkaFailed(e.failure, e.rowsLeftPending);
    } catch (InterruptException e) {
      throw e;
    } catch (KafkaException e) {
      return kafkaFailed(new PublishResult.Failure(rows.get(0), e), rows.size());
    }
    report.published(result.acknowledged().size());
    // Mark before deciding anything else: acknowledged rows must not be sent again needlessly.
    outbox.markPublished(result.acknowledgedIds());
    if (result.firstFailure().isPresent()) {
      report.refused();
      return Round.FULL;
    }
    report.kafkaAnswered();
    if (rows.size() < settings.batchSize() || result.acknowledged().isEmpty()) {
      report.drained();
      return Round.DRAINED;
    }
    if (result.acknowledged().size() == rows.size()) {
      readAhead = next.rows;
    }
    return Round.FULL;
  }

  /** The breaker's call: a batch that Kafka failed is an exception, a refused record is not. */
  private PublishResult publishOrFail(List<OutboxRow> rows, ReadAhead next) {
    report.circuitLetThrough();
    PublishResult result = publisher.publish(producer(), rows, next);
    PublishResult.Failure failure = result.firstFailure().orElse(null);
    if (failure != null && failure.isTransient()) {
      throw new BatchFailedException(failure, result.failed() + result.held());
    }
    return result;
  }

  private Round kafkaFailed(PublishResult.Failure failure, int rowsLeftPending) {
    closeProducer();
    report.kafkaFailed(failure, rowsLeftPending);
    return Round.KAFKA_FAILED;
  }

  /**
   * Waits for a writer's NOTIFY for at most one poll interval.
   *
   * @return false when asked to stop
   */
  private boolean awaitWork(OutboxSource outbox) throws SQLException {
    Instant deadline = clock.instant().plus(settings.pollInterval());
    while (!pauses.stopping()) {
      Duration left = Duration.between(clock.instant(), deadline);
      if (left.isNegative()
          || left.isZero()
          || outbox.awaitNotification(left.compareTo(STOP_CHECK) < 0 ? left : STOP_CHECK)) {
        return true;
      }
    }
    return false;
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
    CircuitBreaker.State state = breaker.getState();
    if ((state != CircuitBreaker.State.OPEN && state != CircuitBreaker.State.HALF_OPEN)
        || !circuits.untilProbe(Dependency.KAFKA).isZero()) {
      return;
    }
    try {
      breaker.executeRunnable(() -> producer().partitionsFor(publisher.topic()));
    } catch (CallNotPermittedException e) {
      // The half-open breaker's probes are taken: their outcome decides.
    } catch (InterruptException e) {
      throw e;
    } catch (KafkaException e) {
      closeProducer();
      log.debug("Kafka probe failed error={}", e.toString());
    }
  }

  /**
   * Publishes what the last writes left pending, so a stopping instance hands over nothing it could
   * have sent; skipped while Kafka is failing, bounded by one delivery timeout.
   */
  private void flushBeforeStopping(OutboxSource outbox) throws SQLException {
    if (report.isKafkaFailing()) {
      return;
    }
    Instant deadline = clock.instant().plus(settings.deliveryTimeout());
    Round round;
    do {
      round = publishBatch(outbox);
    } while (round == Round.FULL && clock.instant().isBefore(deadline));
    log.info(
        "outbox relay flushed before stopping outcome={}", round.name().toLowerCase(Locale.ROOT));
  }

  private Producer<String, byte[]> producer() {
    if (producer == null) {
      producer = producers.get();
    }
    return producer;
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

  /**
   * Reads the batch after a full one while that one is in flight. Best effort: a read that fails
   * leaves nothing read ahead (the next round reads again, and meets the failure there), and
   * nothing of PostgreSQL's ever counts against Kafka's breaker, inside whose call this runs.
   */
  private final class ReadAhead implements Runnable {
    private final OutboxSource outbox;
    private final List<OutboxRow> inFlight;
    private List<OutboxRow> rows = List.of();

    ReadAhead(OutboxSource outbox, List<OutboxRow> inFlight) {
      this.outbox = outbox;
      this.inFlight = inFlight;
    }

    @Override
    public void run() {
      if (inFlight.size() < settings.batchSize()) {
        return;
      }
      try {
        rows = outbox.pending(settings.batchSize(), inFlight.stream().map(OutboxRow::id).toList());
      } catch (SQLException e) {
        log.debug("reading the next outbox batch ahead failed error={}", e.toString());
      }
    }
  }

  /**
   * A batch that failed because of Kafka, thrown through the breaker so that it counts against
   * Kafka. A {@link KafkaException} that is no {@code ApiException}, as a broken producer's is, so
   * that a breaker configured to record only Kafka's transient errors records it too.
   */
  private static final class BatchFailedException extends KafkaException {
    private static final long serialVersionUID = 1L;

    private final transient PublishResult.Failure failure;
    private final int rowsLeftPending;

    BatchFailedException(PublishResult.Failure failure, int rowsLeftPending) {
      super("a batch of outbox rows failed", failure.cause());
      this.failure = failure;
      this.rowsLeftPending = rowsLeftPending;
    }
  }
}
