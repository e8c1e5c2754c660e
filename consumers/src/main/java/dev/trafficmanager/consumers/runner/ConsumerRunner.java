package dev.trafficmanager.consumers.runner;

import dev.trafficmanager.consumers.runner.RunnerStatus.Phase;
import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.resilience.Backoff;
import dev.trafficmanager.topic.EventHeaders;
import dev.trafficmanager.topic.Topic;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs one side-effect consumer of {@code route-changes}: poll, read each record into a {@link
 * RouteChange}, hand it to a {@link ChangeHandler}, and commit a partition's offset only once every
 * record before it is settled — its effect applied, or the record safely in the dead-letter topic.
 * In the spirit of streams-bootstrap's {@code DefaultConsumerRunnable}: {@link #run()} is the loop
 * and runs once; {@link #wakeup()} stops it from any thread; the runner owns the consumer and
 * closes it when the loop ends.
 *
 * <p>What becomes of a record that fails:
 *
 * <ul>
 *   <li><b>Outage</b> — the handler's failure is one the {@link Sink} calls transient (Redis or
 *       PostgreSQL unreachable, timed out, overloaded). It is recorded on the sink's circuit
 *       breaker; the record's partition is rewound to the record and paused for a {@link Backoff}
 *       wait (exponential, full jitter), then the record is tried again, and nothing after it is
 *       handled or committed meanwhile. An outage never dead-letters a record, however long it
 *       lasts: the record is not at fault, and it will succeed once the sink is back.
 *   <li><b>Sink refused</b> — while the sink's breaker is open no call is made at all and no
 *       attempt is counted: every partition is rewound to its first unsettled record (the committed
 *       offset, once the finished offsets are committed) and paused. Each poll timeout the runner
 *       asks the breaker whether a probe may go through; when it may, the partitions resume and the
 *       waiting records are tried first.
 *   <li><b>Budget refused</b> — a retry is a withdrawal from the sink's retry budget (the first
 *       attempt of each record is a deposit). When the budget refuses, no call is made, the refusal
 *       is counted ({@code tm_consumer_retries_refused_total}), and the record waits for another
 *       backoff, paused; it is not skipped.
 *   <li><b>Record at fault</b> — a record that cannot be read, or whose handler throws a {@link
 *       NonRetriableException}, is dead-lettered at once. Any other failure (neither an outage nor
 *       declared permanent: a bug, a data error the handler did not recognise) is retried like an
 *       outage, without touching the breaker, until {@link RunnerSettings#maxAttempts()} calls were
 *       made; then the record is dead-lettered.
 * </ul>
 *
 * A record is committed past only after its dead-letter write is acknowledged; a write that fails
 * is retried like an outage. Other partitions keep flowing while one waits for a retry; a batch is
 * cut short after half of {@link RunnerSettings#maxPollInterval()}, so that the group never evicts
 * the consumer (and hands its records to another) while it still works on them.
 *
 * <p>The consumer must not commit by itself; {@link RunnerSettings#consumerProperties} gives the
 * properties the runner relies on. Its keys and values must be raw bytes, so that reading a record
 * is a failure of that record, not of the poll, and a dead letter keeps the original bytes.
 */
public final class ConsumerRunner implements Runnable {
  /** The MDC key under which the handler, and every log line about a record, finds its id. */
  public static final String CORRELATION_ID = "correlation_id";

  private static final Logger log = LoggerFactory.getLogger(ConsumerRunner.class);

  private final String name;
  private final Consumer<byte[], byte[]> consumer;
  private final String topic;
  private final Deserializer<RouteChange> values;
  private final ChangeHandler handler;
  private final Sink sink;
  private final DeadLetters deadLetters;
  private final ConsumerMetrics metrics;
  private final RunnerSettings settings;
  private final Backoff backoff;
  private final Clock clock;

  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private volatile RunnerStatus status = RunnerStatus.created();

  // Touched only by the thread in run(), including the rebalance callbacks that poll() invokes.
  private final Map<TopicPartition, OffsetAndMetadata> finished = new HashMap<>();
  private final Map<TopicPartition, PendingRetry> retries = new HashMap<>();
  private boolean waitingForSink;
  private Instant nextLagRefresh = Instant.MIN;
  private long lag;

  /**
   * @param name the consumer's name, in every log line (for example {@code cache-invalidation})
   * @param consumer a consumer of raw bytes that is not yet subscribed; the runner subscribes it to
   *     {@code topic} and closes it
   * @param topic the topic to consume; its value serde reads the records
   * @param sink where the handler's effect lives: its breaker, budget and failure classification
   * @param backoff the wait before each retry of one record
   */
  public ConsumerRunner(
      String name,
      Consumer<byte[], byte[]> consumer,
      Topic<String, RouteChange> topic,
      ChangeHandler handler,
      Sink sink,
      DeadLetters deadLetters,
      ConsumerMetrics metrics,
      RunnerSettings settings,
      Backoff backoff,
      Clock clock) {
    this.name = Objects.requireNonNull(name, "name");
    this.consumer = Objects.requireNonNull(consumer, "consumer");
    this.topic = topic.name();
    this.values = topic.valueSerde().deserializer();
    this.handler = Objects.requireNonNull(handler, "handler");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Consumes until {@link #wakeup()}, then commits what finished and closes the consumer. Returns
   * normally when stopped; otherwise closes the consumer too and rethrows what broke the loop.
   *
   * @throws IllegalStateException if this runner has already run
   */
  @Override
  public void run() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("consumer runner " + name + " has already run");
    }
    status = status.in(Phase.RUNNING);
    log.info("consumer started consumer={} topic={} sink={}", name, topic, sink.dependency());
    try {
      consumer.subscribe(List.of(topic), new Rebalances());
      while (!stopping.get()) {
        probeSink();
        reconcilePauses();
        ConsumerRecords<byte[], byte[]> records = consumer.poll(nextPollTimeout());
        handleBatch(records);
        commitFinished();
        refreshLag();
        publishStatus();
      }
    } catch (WakeupException e) {
      // Only wakeup() wakes this consumer up: the stop that was asked for.
    } catch (InterruptException e) {
      if (!stopping.get()) {
        fail(e);
      }
    } catch (RuntimeException | Error e) {
      fail(e);
    } finally {
      shutDown();
    }
  }

  /** Asks the loop to stop, from any thread; returns at once. */
  public void wakeup() {
    stopping.set(true);
    consumer.wakeup();
  }

  /** Whether the loop is running: started, not stopped and not broken. */
  public boolean isRunning() {
    return status.phase() == Phase.RUNNING;
  }

  /** What the loop is doing, as of its last iteration. */
  public RunnerStatus status() {
    return status;
  }

  private void handleBatch(ConsumerRecords<byte[], byte[]> records) {
    if (records.isEmpty()) {
      return;
    }
    Instant deadline = clock.instant().plus(settings.maxPollInterval().dividedBy(2));
    for (TopicPartition partition : records.partitions()) {
      for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
        if (stopping.get()) {
          // Left uncommitted: whoever owns the partition next fetches it again.
          return;
        }
        if (waitingForSink || clock.instant().isAfter(deadline)) {
          // Fetched again once the partition resumes, or at the next poll.
          consumer.seek(partition, record.offset());
          break;
        }
        if (!handle(partition, record)) {
          break;
        }
      }
    }
  }

  /** Returns whether the record is settled, so that its partition may move past it. */
  private boolean handle(TopicPartition partition, ConsumerRecord<byte[], byte[]> record) {
    putCorrelationId(headerCorrelationId(record));
    try {
      PendingRetry pending = retries.get(partition);
      Attempts attempts =
          pending != null && pending.offset() == record.offset()
              ? pending.attempts()
              : Attempts.NONE;
      return process(partition, record, attempts);
    } finally {
      MDC.remove(CORRELATION_ID);
    }
  }

  private boolean process(
      TopicPartition partition, ConsumerRecord<byte[], byte[]> record, Attempts attempts) {
    RouteChange change;
    try {
      change = read(record);
    } catch (UnreadableRecordException e) {
      return deadLetter(partition, record, e, attempts.failed());
    }
    putCorrelationId(change.correlationId());
    CircuitBreaker breaker = sink.breaker();
    if (!breaker.tryAcquirePermission()) {
      return waitForSink(partition, record, attempts);
    }
    if (attempts.made() == 0) {
      sink.budget().deposit();
    } else if (!sink.budget().tryWithdraw()) {
      breaker.releasePermission();
      metrics.retryRefused();
      Duration wait = retryLater(partition, record, attempts.waited());
      log.warn(
          "retry refused by the retry budget, the record waits consumer={} sink={} topic={}"
              + " partition={} offset={} attempts={} wait_ms={}",
          name,
          sink.dependency(),
          record.topic(),
          record.partition(),
          record.offset(),
          attempts.made(),
          wait.toMillis());
      return false;
    }
    long start = System.nanoTime();
    try {
      handler.handle(change);
    } catch (RuntimeException e) {
      return failed(partition, record, e, attempts.failed(), System.nanoTime() - start);
    } catch (Error e) {
      breaker.releasePermission();
      throw e;
    }
    breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    metrics.processed();
    settle(partition, record, attempts);
    return true;
  }

  private boolean failed(
      TopicPartition partition,
      ConsumerRecord<byte[], byte[]> record,
      RuntimeException error,
      Attempts attempts,
      long elapsedNanos) {
    boolean permanent = error instanceof NonRetriableException;
    boolean outage = !permanent && sink.isTransient().test(error);
    if (outage) {
      sink.breaker().onError(elapsedNanos, TimeUnit.NANOSECONDS, error);
    } else {
      // Says nothing about the sink's health: neither a success nor a failure for its breaker.
      sink.breaker().releasePermission();
    }
    if (permanent || (!outage && attempts.made() >= settings.maxAttempts())) {
      return deadLetter(partition, record, error, attempts);
    }
    Duration wait = retryLater(partition, record, attempts);
    metrics.retried();
    if (attempts.made() == 1) {
      log.warn(
          "record failed, partition rewound to retry it consumer={} topic={} partition={}"
              + " offset={} attempt={} outage={} wait_ms={}",
          name,
          record.topic(),
          record.partition(),
          record.offset(),
          attempts.made(),
          outage,
          wait.toMillis(),
          error);
    } else {
      // The stack trace went out with the first attempt; repeating it adds only volume.
      log.warn(
          "record failed again consumer={} topic={} partition={} offset={} attempt={} outage={}"
              + " wait_ms={} error=\"{}\"",
          name,
          record.topic(),
          record.partition(),
          record.offset(),
          attempts.made(),
          outage,
          wait.toMillis(),
          error.toString());
    }
    return false;
  }

  private boolean deadLetter(
      TopicPartition partition,
      ConsumerRecord<byte[], byte[]> record,
      RuntimeException error,
      Attempts attempts) {
    try {
      deadLetters.publish(record, error, attempts.made());
    } catch (WakeupException | InterruptException e) {
      throw e;
    } catch (RuntimeException e) {
      Duration wait = retryLater(partition, record, attempts);
      metrics.retried();
      log.warn(
          "dead-letter write failed, the record is kept and tried again consumer={} topic={}"
              + " partition={} offset={} wait_ms={} error=\"{}\"",
          name,
          record.topic(),
          record.partition(),
          record.offset(),
          wait.toMillis(),
          e.toString());
      return false;
    }
    metrics.deadLettered();
    log.error(
        "record dead-lettered consumer={} topic={} partition={} offset={} attempts={}"
            + " error_class={}",
        name,
        record.topic(),
        record.partition(),
        record.offset(),
        attempts.made(),
        error.getClass().getName(),
        error);
    settle(partition, record, attempts);
    return true;
  }

  private boolean waitForSink(
      TopicPartition partition, ConsumerRecord<byte[], byte[]> record, Attempts attempts) {
    retries.put(partition, new PendingRetry(record.offset(), attempts, clock.instant()));
    consumer.seek(partition, record.offset());
    consumer.pause(consumer.assignment());
    if (!waitingForSink) {
      waitingForSink = true;
      log.warn(
          "sink refuses calls, consumer paused and rewound until its circuit breaker lets a probe"
              + " through consumer={} sink={} circuit_breaker={} topic={} partition={} offset={}",
          name,
          sink.dependency(),
          sink.breaker().getState(),
          record.topic(),
          record.partition(),
          record.offset());
    }
    return false;
  }

  /** Rewinds the partition to the record and pauses it until a backoff wait has passed. */
  private Duration retryLater(
      TopicPartition partition, ConsumerRecord<byte[], byte[]> record, Attempts attempts) {
    Duration wait = backoff.delay(Math.max(0, attempts.waits() - 1));
    retries.put(partition, new PendingRetry(record.offset(), attempts, clock.instant().plus(wait)));
    consumer.seek(partition, record.offset());
    consumer.pause(List.of(partition));
    return wait;
  }

  private void settle(
      TopicPartition partition, ConsumerRecord<byte[], byte[]> record, Attempts attempts) {
    finished.put(partition, new OffsetAndMetadata(record.offset() + 1, record.leaderEpoch(), ""));
    PendingRetry pending = retries.get(partition);
    if (pending != null && pending.offset() <= record.offset()) {
      retries.remove(partition);
    }
    if (attempts.made() > 0) {
      log.info(
          "record settled after failures consumer={} topic={} partition={} offset={} failures={}",
          name,
          record.topic(),
          record.partition(),
          record.offset(),
          attempts.made());
    }
  }

  private RouteChange read(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      throw new UnreadableRecordException("the record has no value", null);
    }
    RouteChange change;
    try {
      change = values.deserialize(record.topic(), record.headers(), record.value());
      // A change that names no valid route can no more be applied than one that is not JSON.
      change.key();
    } catch (RuntimeException e) {
      throw new UnreadableRecordException(e.getMessage(), e);
    }
    if (change.current() == null) {
      throw new UnreadableRecordException("the change has no current state", null);
    }
    return change;
  }

  /** Ends a wait for the sink once its breaker lets a call through. */
  private void probeSink() {
    if (!waitingForSink) {
      return;
    }
    CircuitBreaker breaker = sink.breaker();
    if (breaker.tryAcquirePermission()) {
      // Only a question: the waiting record's own call asks again, and is recorded.
      breaker.releasePermission();
      waitingForSink = false;
      log.info(
          "sink lets calls through again, consumer resumes consumer={} sink={} circuit_breaker={}",
          name,
          sink.dependency(),
          breaker.getState());
    }
  }

  /**
   * Pauses exactly the partitions that must wait: all while the sink refuses, else the due-later.
   */
  private void reconcilePauses() {
    Set<TopicPartition> assigned = consumer.assignment();
    Set<TopicPartition> wanted = new HashSet<>();
    if (waitingForSink) {
      wanted.addAll(assigned);
    } else {
      Instant now = clock.instant();
      retries.forEach(
          (partition, retry) -> {
            if (retry.due().isAfter(now) && assigned.contains(partition)) {
              wanted.add(partition);
            }
          });
    }
    Set<TopicPartition> paused = consumer.paused();
    Set<TopicPartition> toResume = new HashSet<>(paused);
    toResume.removeAll(wanted);
    Set<TopicPartition> toPause = new HashSet<>(wanted);
    toPause.removeAll(paused);
    if (!toResume.isEmpty()) {
      consumer.resume(toResume);
    }
    if (!toPause.isEmpty()) {
      consumer.pause(toPause);
    }
  }

  /** The poll timeout, shortened so that a partition waiting for a retry is resumed on time. */
  private Duration nextPollTimeout() {
    Duration timeout = settings.pollTimeout();
    if (waitingForSink) {
      return timeout;
    }
    Instant now = clock.instant();
    for (PendingRetry retry : retries.values()) {
      Duration untilDue = Duration.between(now, retry.due());
      if (!untilDue.isNegative() && untilDue.compareTo(timeout) < 0) {
        timeout = untilDue;
      }
    }
    return timeout;
  }

  private void refreshLag() {
    Instant now = clock.instant();
    if (now.isBefore(nextLagRefresh)) {
      return;
    }
    nextLagRefresh = now.plus(settings.lagRefresh());
    Set<TopicPartition> assigned = consumer.assignment();
    try {
      long total = 0;
      if (!assigned.isEmpty()) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, settings.pollTimeout());
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
          long position = consumer.position(end.getKey(), settings.pollTimeout());
          total += Math.max(0, end.getValue() - position);
        }
      }
      lag = total;
      metrics.lag(total);
    } catch (WakeupException | InterruptException e) {
      throw e;
    } catch (KafkaException e) {
      // The gauge keeps its last value; the next refresh tries again.
      log.debug("lag not refreshed consumer={} error=\"{}\"", name, e.toString());
    }
  }

  private void publishStatus() {
    Set<TopicPartition> paused = consumer.paused();
    metrics.paused(!paused.isEmpty());
    status =
        new RunnerStatus(
            Phase.RUNNING,
            consumer.assignment().size(),
            paused.size(),
            retries.size(),
            waitingForSink,
            lag,
            Optional.empty());
  }

  private void commitFinished() {
    commitFinished(consumer::commitSync);
  }

  private void commitFinished(Commit commit) {
    if (finished.isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = Map.copyOf(finished);
    try {
      commit.accept(offsets);
      offsets.forEach(finished::remove);
    } catch (WakeupException | InterruptException e) {
      throw e;
    } catch (KafkaException e) {
      // Kept for the next commit; a partition this consumer loses is forgotten by the rebalance.
      log.warn(
          "commit failed, will commit again consumer={} offsets={} error=\"{}\"",
          name,
          offsets,
          e.toString());
    }
  }

  private void shutDown() {
    try {
      commitOnShutDown();
    } catch (RuntimeException e) {
      log.warn("last commit failed consumer={} offsets={}", name, finished, e);
    }
    try {
      consumer.close(CloseOptions.timeout(settings.closeTimeout()));
    } catch (RuntimeException e) {
      log.warn("consumer did not close cleanly consumer={}", name, e);
    }
    metrics.paused(false);
    RunnerStatus last = status;
    if (last.phase() == Phase.RUNNING) {
      status = last.in(Phase.STOPPED);
    }
    log.info("consumer stopped consumer={} topic={}", name, topic);
  }

  private void commitOnShutDown() {
    Commit commit = offsets -> consumer.commitSync(offsets, settings.closeTimeout());
    try {
      commitFinished(commit);
    } catch (WakeupException e) {
      // A wakeup() that arrived while no call was blocking fails the next one: this commit.
      commitFinished(commit);
    }
  }

  private void fail(Throwable e) {
    status = status.failed(e);
    log.error("consumer broke down consumer={} topic={}", name, topic, e);
    if (e instanceof RuntimeException runtime) {
      throw runtime;
    }
    throw (Error) e;
  }

  private static String headerCorrelationId(ConsumerRecord<byte[], byte[]> record) {
    Header header = record.headers().lastHeader(EventHeaders.CORRELATION_ID);
    return header == null || header.value() == null
        ? null
        : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static void putCorrelationId(String correlationId) {
    if (correlationId != null) {
      MDC.put(CORRELATION_ID, correlationId);
    }
  }

  @FunctionalInterface
  private interface Commit {
    void accept(Map<TopicPartition, OffsetAndMetadata> offsets);
  }

  /**
   * One record's history on this consumer.
   *
   * @param made attempts made: handler calls, or the read that failed
   * @param waits backoff waits so far, the exponent of the next one
   */
  private record Attempts(int made, int waits) {
    static final Attempts NONE = new Attempts(0, 0);

    Attempts failed() {
      return new Attempts(made + 1, waits + 1);
    }

    Attempts waited() {
      return new Attempts(made, waits + 1);
    }
  }

  /** A record that waits, its partition rewound to it and paused, until {@code due}. */
  private record PendingRetry(long offset, Attempts attempts, Instant due) {}

  private final class Rebalances implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(finished);
      offsets.keySet().retainAll(partitions);
      if (!offsets.isEmpty()) {
        try {
          consumer.commitSync(offsets);
        } catch (KafkaException e) {
          log.warn(
              "commit on revoke failed; the next owner handles these records again consumer={}"
                  + " offsets={} error=\"{}\"",
              name,
              offsets,
              e.toString());
        }
      }
      forget(partitions);
      log.info("partitions revoked consumer={} partitions={}", name, partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      forget(partitions);
      log.warn("partitions lost consumer={} partitions={}", name, partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      // A new partition starts from its committed offset; while the sink refuses calls it waits
      // with the others instead of being fetched.
      if (waitingForSink && !partitions.isEmpty()) {
        consumer.pause(partitions);
      }
      log.info("partitions assigned consumer={} partitions={}", name, partitions);
    }

    private void forget(Collection<TopicPartition> partitions) {
      finished.keySet().removeAll(partitions);
      retries.keySet().removeAll(partitions);
    }
  }
}
