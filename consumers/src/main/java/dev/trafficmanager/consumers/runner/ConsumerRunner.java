package dev.trafficmanager.consumers.runner;

import dev.trafficmanager.consumers.runner.RunnerStatus.Phase;
import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.topic.Topic;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one side-effect consumer of {@code route-changes}: poll, hand the poll's changes to a {@link
 * ChangeHandler} in batches ({@link PollProcessor}), and commit each partition's offset once every
 * record before it is settled — its effect applied, or the record safely in the dead-letter topic.
 * In the spirit of streams-bootstrap's {@code DefaultConsumerRunnable}: {@link #run()} is the loop
 * and runs once; {@link #wakeup()} stops it from any thread; the runner owns the consumer and
 * closes it when the loop ends.
 *
 * <p>What becomes of a record that fails is the {@link FailurePolicy}'s decision: an outage of the
 * sink is retried after a backoff, its partition rewound to the record and paused, however long it
 * lasts; while the sink's breaker refuses calls every partition waits, rewound, until it lets a
 * probe through; a retry the sink's retry budget refuses waits for another backoff; a record that
 * cannot be read, or that the handler declares {@link NonRetriableException}, is dead-lettered at
 * once, and any other failure after {@link RunnerSettings#maxAttempts()} attempts. A record is
 * committed past only after its dead-letter write is acknowledged. Other partitions keep flowing
 * while one waits; a poll's records are cut short after half of {@link
 * RunnerSettings#maxPollInterval()}, so that the group never evicts the consumer while it still
 * works on them.
 *
 * <p>The consumer must not commit by itself; {@link RunnerSettings#consumerProperties} gives the
 * properties the runner relies on. Its keys and values must be raw bytes, so that reading a record
 * is a failure of that record, not of the poll, and a dead letter keeps the original bytes. The lag
 * it reports is the client's own ({@code records-lag}).
 */
public final class ConsumerRunner implements Runnable {
  /** The MDC key under which every log line about a record, and the handler, finds its id. */
  public static final String CORRELATION_ID = "correlation_id";

  private static final Logger log = LoggerFactory.getLogger(ConsumerRunner.class);

  private final String name;
  private final Consumer<byte[], byte[]> consumer;
  private final String topic;
  private final Sink sink;
  private final RunnerSettings settings;
  private final Clock clock;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean stopping = new AtomicBoolean();

  // Touched only by the thread in run(), including the rebalance callbacks that poll() invokes.
  private final OffsetCommitter committer;
  private final Rebalances rebalances;
  private final PauseControl pauses;
  private final PollProcessor processor;
  private final StatusBoard status;

  private ConsumerRunner(Builder builder) {
    this.name = Objects.requireNonNull(builder.name, "name");
    this.consumer = Objects.requireNonNull(builder.consumer, "consumer");
    Topic<String, RouteChange> topic = Objects.requireNonNull(builder.topic, "topic");
    this.topic = topic.name();
    this.sink = Objects.requireNonNull(builder.sink, "sink");
    ConsumerMetrics metrics = Objects.requireNonNull(builder.metrics, "metrics");
    this.settings = Objects.requireNonNull(builder.settings, "settings");
    this.clock = Objects.requireNonNull(builder.clock, "clock");
    FailurePolicy policy =
        builder.policy != null
            ? builder.policy
            : new FailurePolicy(settings.maxAttempts(), settings.backoff(), sink.isTransient());
    OffsetTracker offsets = new OffsetTracker();
    PartitionRetries retries = new PartitionRetries();
    this.committer = new OffsetCommitter(name, consumer, offsets);
    this.rebalances = new Rebalances(name, consumer, committer, offsets, retries);
    this.pauses = new PauseControl(name, consumer, sink, retries);
    this.status = new StatusBoard(consumer, retries, metrics);
    Settlement settlement =
        new Settlement(
            name,
            consumer,
            sink,
            Objects.requireNonNull(builder.deadLetters, "deadLetters"),
            policy,
            metrics,
            retries,
            offsets,
            clock);
    this.processor =
        new PollProcessor(
            name,
            consumer,
            topic.valueSerde().deserializer(),
            Objects.requireNonNull(builder.handler, "handler"),
            sink,
            settlement,
            metrics,
            retries,
            clock);
  }

  /** A runner is built from its parts; every part but the policy and clock is required. */
  public static Builder builder() {
    return new Builder();
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
    status.started();
    log.info("consumer started consumer={} topic={} sink={}", name, topic, sink.dependency());
    try {
      consumer.subscribe(List.of(topic), rebalances);
      while (!stopping.get()) {
        Instant now = clock.instant();
        pauses.reconcile(now);
        var records = consumer.poll(pauses.pollTimeout(settings.pollTimeout(), now));
        if (!records.isEmpty()) {
          Instant deadline = clock.instant().plus(settings.maxPollInterval().dividedBy(2));
          processor.process(records, deadline, stopping::get);
        }
        committer.commitSettled();
        status.update();
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
    return status.current().phase() == Phase.RUNNING;
  }

  /** What the loop is doing, as of its last iteration. */
  public RunnerStatus status() {
    return status.current();
  }

  private void shutDown() {
    committer.commitOnClose(settings.closeTimeout());
    try {
      consumer.close(CloseOptions.timeout(settings.closeTimeout()));
    } catch (RuntimeException e) {
      log.warn("consumer did not close cleanly consumer={}", name, e);
    }
    status.stopped();
    log.info("consumer stopped consumer={} topic={}", name, topic);
  }

  private void fail(Throwable e) {
    status.failed(e);
    log.error("consumer broke down consumer={} topic={}", name, topic, e);
    if (e instanceof RuntimeException runtime) {
      throw runtime;
    }
    throw (Error) e;
  }

  /** The parts of a {@link ConsumerRunner}. */
  public static final class Builder {
    private String name;
    private Consumer<byte[], byte[]> consumer;
    private Topic<String, RouteChange> topic;
    private ChangeHandler handler;
    private Sink sink;
    private DeadLetters deadLetters;
    private ConsumerMetrics metrics;
    private RunnerSettings settings = RunnerSettings.DEFAULTS;
    private FailurePolicy policy;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** The consumer's name, in every log line (for example {@code cache-invalidation}). */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /**
     * A consumer of raw bytes that is not yet subscribed; the runner subscribes it to the topic and
     * closes it.
     */
    public Builder consumer(Consumer<byte[], byte[]> consumer) {
      this.consumer = consumer;
      return this;
    }

    /** The topic to consume; its value serde reads the records. */
    public Builder topic(Topic<String, RouteChange> topic) {
      this.topic = topic;
      return this;
    }

    public Builder handler(ChangeHandler handler) {
      this.handler = handler;
      return this;
    }

    /** Where the handler's effect lives: its breaker, budget and failure classification. */
    public Builder sink(Sink sink) {
      this.sink = sink;
      return this;
    }

    public Builder deadLetters(DeadLetters deadLetters) {
      this.deadLetters = deadLetters;
      return this;
    }

    public Builder metrics(ConsumerMetrics metrics) {
      this.metrics = metrics;
      return this;
    }

    /** {@link RunnerSettings#DEFAULTS} unless given. */
    public Builder settings(RunnerSettings settings) {
      this.settings = settings;
      return this;
    }

    /**
     * The failure policy; by default the settings' attempts and backoff with the sink's
     * classification of an outage.
     */
    public Builder policy(FailurePolicy policy) {
      this.policy = policy;
      return this;
    }

    /** The UTC system clock unless given. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * @throws NullPointerException naming the part that is missing
     */
    public ConsumerRunner build() {
      return new ConsumerRunner(this);
    }
  }
}
