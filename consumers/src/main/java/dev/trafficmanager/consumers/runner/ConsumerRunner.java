package dev.trafficmanager.consumers.runner;

import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.topic.EventHeaders;
import dev.trafficmanager.topic.Topic;
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
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
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
 * record before it has been handled. In the spirit of streams-bootstrap's {@code
 * DefaultConsumerRunnable}: {@link #run()} is the loop and runs once; {@link #wakeup()} stops it
 * from any thread; the runner owns the consumer and closes it when the loop ends.
 *
 * <p>A record that cannot be read, or whose handler throws, goes to the {@link FailurePolicy}. On
 * {@link FailurePolicy.Retry} the runner seeks the record's partition back to the record and pauses
 * that partition for the backoff: the record and everything after it are fetched and handled again
 * afterwards, nothing past it is committed meanwhile, and the other partitions keep flowing. On
 * {@link FailurePolicy.Skip} it logs the record at ERROR and commits past it.
 *
 * <p>The consumer must not commit by itself ({@code enable.auto.commit=false}); {@link
 * RunnerSettings#consumerProperties} gives the properties the runner relies on. Its values must be
 * raw bytes, so that reading a record is a failure of that record, not of the poll.
 */
public final class ConsumerRunner implements Runnable {
  /** The MDC key under which the handler, and every log line about a record, finds its id. */
  public static final String CORRELATION_ID = "correlation_id";

  private static final Logger log = LoggerFactory.getLogger(ConsumerRunner.class);

  private enum State {
    CREATED,
    RUNNING,
    STOPPED,
    FAILED
  }

  private final String name;
  private final Consumer<String, byte[]> consumer;
  private final String topic;
  private final Deserializer<RouteChange> values;
  private final ChangeHandler handler;
  private final FailurePolicy failurePolicy;
  private final Duration pollTimeout;
  private final Duration closeTimeout;
  private final Clock clock;

  private final AtomicReference<State> state = new AtomicReference<>(State.CREATED);
  private final AtomicBoolean stopping = new AtomicBoolean();

  // Touched only by the thread in run(), including the rebalance callbacks that poll() invokes.
  private final Map<TopicPartition, OffsetAndMetadata> finished = new HashMap<>();
  private final Map<TopicPartition, PendingRetry> retries = new HashMap<>();

  /**
   * @param name the consumer's name, in every log line (for example {@code cache-invalidation})
   * @param consumer a consumer that is not yet subscribed; the runner subscribes it to {@code
   *     topic} and closes it
   * @param topic the topic to consume; its value serde reads the records
   */
  public ConsumerRunner(
      String name,
      Consumer<String, byte[]> consumer,
      Topic<String, RouteChange> topic,
      ChangeHandler handler,
      FailurePolicy failurePolicy,
      RunnerSettings settings,
      Clock clock) {
    this.name = Objects.requireNonNull(name, "name");
    this.consumer = Objects.requireNonNull(consumer, "consumer");
    this.topic = topic.name();
    this.values = topic.valueSerde().deserializer();
    this.handler = Objects.requireNonNull(handler, "handler");
    this.failurePolicy = Objects.requireNonNull(failurePolicy, "failurePolicy");
    this.pollTimeout = settings.pollTimeout();
    this.closeTimeout = settings.closeTimeout();
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
    if (!state.compareAndSet(State.CREATED, State.RUNNING)) {
      throw new IllegalStateException("consumer runner " + name + " has already run");
    }
    log.info("consumer started consumer={} topic={}", name, topic);
    try {
      consumer.subscribe(List.of(topic), new Rebalances());
      while (!stopping.get()) {
        resumeDueRetries();
        ConsumerRecords<String, byte[]> records = consumer.poll(nextPollTimeout());
        for (TopicPartition partition : records.partitions()) {
          handleInOrder(partition, records.records(partition));
        }
        commitFinished();
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
    return state.get() == State.RUNNING;
  }

  private void handleInOrder(
      TopicPartition partition, List<ConsumerRecord<String, byte[]>> records) {
    for (ConsumerRecord<String, byte[]> record : records) {
      // A record left unhandled here is fetched again by whoever owns the partition next.
      if (stopping.get() || !handle(partition, record)) {
        return;
      }
    }
  }

  /** Returns whether the record is settled, so that the partition may move past it. */
  private boolean handle(TopicPartition partition, ConsumerRecord<String, byte[]> record) {
    putCorrelationId(headerCorrelationId(record));
    try {
      RouteChange change = read(record);
      putCorrelationId(change.correlationId());
      handler.handle(change);
      settle(partition, record);
      return true;
    } catch (RuntimeException e) {
      return recover(partition, record, e);
    } finally {
      MDC.remove(CORRELATION_ID);
    }
  }

  private RouteChange read(ConsumerRecord<String, byte[]> record) {
    if (record.value() == null) {
      throw new UnreadableRecordException("the record has no value", null);
    }
    try {
      RouteChange change = values.deserialize(record.topic(), record.headers(), record.value());
      // A change that names no valid route can no more be applied than one that is not JSON.
      change.key();
      return change;
    } catch (RuntimeException e) {
      throw new UnreadableRecordException(e.getMessage(), e);
    }
  }

  private boolean recover(
      TopicPartition partition, ConsumerRecord<String, byte[]> record, RuntimeException error) {
    PendingRetry previous = retries.get(partition);
    int attempt =
        previous != null && previous.offset() == record.offset() ? previous.attempt() + 1 : 1;
    FailurePolicy.Decision decision = failurePolicy.onFailure(record, error, attempt);
    if (decision instanceof FailurePolicy.Skip skip) {
      log.error(
          "record skipped consumer={} topic={} partition={} offset={} attempt={} reason=\"{}\"",
          name,
          record.topic(),
          record.partition(),
          record.offset(),
          attempt,
          skip.reason(),
          error);
      settle(partition, record);
      return true;
    }
    Duration backoff = ((FailurePolicy.Retry) decision).backoff();
    consumer.seek(partition, record.offset());
    consumer.pause(List.of(partition));
    retries.put(
        partition, new PendingRetry(record.offset(), attempt, clock.instant().plus(backoff)));
    if (attempt == 1) {
      log.warn(
          "record failed, partition rewound to retry it consumer={} topic={} partition={}"
              + " offset={} attempt={} backoff_ms={}",
          name,
          record.topic(),
          record.partition(),
          record.offset(),
          attempt,
          backoff.toMillis(),
          error);
    } else {
      // The stack trace went out with the first attempt; repeating it adds only volume.
      log.warn(
          "record failed again consumer={} topic={} partition={} offset={} attempt={}"
              + " backoff_ms={} error=\"{}\"",
          name,
          record.topic(),
          record.partition(),
          record.offset(),
          attempt,
          backoff.toMillis(),
          error.toString());
    }
    return false;
  }

  private void settle(TopicPartition partition, ConsumerRecord<String, byte[]> record) {
    finished.put(partition, new OffsetAndMetadata(record.offset() + 1, record.leaderEpoch(), ""));
    PendingRetry retry = retries.get(partition);
    if (retry != null && retry.offset() <= record.offset()) {
      retries.remove(partition);
      log.info(
          "record settled after failures consumer={} topic={} partition={} offset={} failures={}",
          name,
          record.topic(),
          record.partition(),
          record.offset(),
          retry.attempt());
    }
  }

  private void resumeDueRetries() {
    if (retries.isEmpty()) {
      return;
    }
    Instant now = clock.instant();
    Set<TopicPartition> due = new HashSet<>();
    retries.forEach(
        (partition, retry) -> {
          if (!retry.due().isAfter(now)) {
            due.add(partition);
          }
        });
    due.retainAll(consumer.paused());
    if (!due.isEmpty()) {
      consumer.resume(due);
    }
  }

  /** The poll timeout, shortened so that a partition waiting for a retry is resumed on time. */
  private Duration nextPollTimeout() {
    Instant now = clock.instant();
    Duration timeout = pollTimeout;
    for (PendingRetry retry : retries.values()) {
      Duration untilDue = Duration.between(now, retry.due());
      if (!untilDue.isNegative() && untilDue.compareTo(timeout) < 0) {
        timeout = untilDue;
      }
    }
    return timeout;
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
      consumer.close(CloseOptions.timeout(closeTimeout));
    } catch (RuntimeException e) {
      log.warn("consumer did not close cleanly consumer={}", name, e);
    }
    state.compareAndSet(State.RUNNING, State.STOPPED);
    log.info("consumer stopped consumer={} topic={}", name, topic);
  }

  private void commitOnShutDown() {
    Commit commit = offsets -> consumer.commitSync(offsets, closeTimeout);
    try {
      commitFinished(commit);
    } catch (WakeupException e) {
      // A wakeup() that arrived while no call was blocking fails the next one: this commit.
      commitFinished(commit);
    }
  }

  private void fail(Throwable e) {
    state.set(State.FAILED);
    log.error("consumer broke down consumer={} topic={}", name, topic, e);
    if (e instanceof RuntimeException runtime) {
      throw runtime;
    }
    throw (Error) e;
  }

  private static String headerCorrelationId(ConsumerRecord<String, byte[]> record) {
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

  /** A record that failed and is waiting, its partition paused, until {@code due}. */
  private record PendingRetry(long offset, int attempt, Instant due) {}

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
      // A partition can come back still paused by a retry that was forgotten when it was revoked;
      // it starts again from its committed offset, which is never past the failed record.
      Set<TopicPartition> stale = new HashSet<>(consumer.paused());
      stale.retainAll(partitions);
      stale.removeAll(retries.keySet());
      if (!stale.isEmpty()) {
        consumer.resume(stale);
      }
      log.info("partitions assigned consumer={} partitions={}", name, partitions);
    }

    private void forget(Collection<TopicPartition> partitions) {
      finished.keySet().removeAll(partitions);
      retries.keySet().removeAll(partitions);
    }
  }
}
