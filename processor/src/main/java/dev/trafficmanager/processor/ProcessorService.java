package dev.trafficmanager.processor;

import dev.trafficmanager.config.Settings;
import dev.trafficmanager.topic.Topics;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processor's composition root: runs {@link RouteTopology} in a {@link KafkaStreams} client
 * configured by {@link ProcessorConfig}.
 *
 * <p>It does not create topics. {@link #start()} checks that the pipeline's topics exist and throws
 * {@link IllegalStateException} naming the missing ones; left to itself, Kafka Streams would join
 * the group and then fail the stream thread with {@code MissingSourceTopicException}. Should the
 * input topic disappear later, that exception shuts the client down (state ERROR) rather than
 * replacing the thread in a loop. Other stream-thread failures replace the thread, at most three
 * times in five minutes.
 *
 * <p>Thread-safe. {@link #close()} is idempotent and bounded; a closed service cannot be started.
 */
public final class ProcessorService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProcessorService.class);

  // Long enough for a commit and a clean group leave, short enough for a container's stop grace.
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration TOPIC_CHECK_TIMEOUT = Duration.ofSeconds(30);
  private static final int MAX_THREAD_REPLACEMENTS = 3;
  private static final Duration REPLACEMENT_WINDOW = Duration.ofMinutes(5);

  private final ProcessorConfig config;
  private volatile KafkaStreams streams;
  private boolean closed;

  public ProcessorService(Settings settings) {
    this.config = ProcessorConfig.from(settings);
  }

  /**
   * Builds the topology and starts Kafka Streams; returns once the client is starting, not when it
   * is {@link #isRunning() running}.
   *
   * @throws IllegalStateException when already started or closed, when a topic of the pipeline is
   *     missing, or when Kafka cannot tell within 30 s whether they exist
   */
  public synchronized void start() {
    if (closed) {
      throw new IllegalStateException("the processor is closed");
    }
    if (streams != null) {
      throw new IllegalStateException("the processor is already started");
    }
    Topics topics = config.kafka().topics();
    requireTopics(topics);
    KafkaStreams client =
        new KafkaStreams(
            RouteTopology.build(new StreamsBuilder(), topics), config.streamsProperties());
    client.setStateListener(
        (newState, oldState) -> {
          if (newState == KafkaStreams.State.ERROR) {
            log.error("streams state changed from={} to={}", oldState, newState);
          } else {
            log.info("streams state changed from={} to={}", oldState, newState);
          }
        });
    client.setUncaughtExceptionHandler(
        new ThreadFailurePolicy(
            MAX_THREAD_REPLACEMENTS, REPLACEMENT_WINDOW, InstantSource.system()));
    streams = client;
    log.info(
        "starting processor application_id={} bootstrap={} state_dir={}",
        config.applicationId(),
        config.kafka().bootstrapServers(),
        config.stateDir());
    client.start();
  }

  /** {@code CREATED} before {@link #start()}, then the Kafka Streams client's state. */
  public KafkaStreams.State state() {
    KafkaStreams client = streams;
    return client == null ? KafkaStreams.State.CREATED : client.state();
  }

  /** Whether the client is RUNNING: every task assigned and processing. */
  public boolean isRunning() {
    return state() == KafkaStreams.State.RUNNING;
  }

  /**
   * Commits what is processed, leaves the consumer group so that other instances take the
   * partitions over at once, and closes, waiting at most 30 s.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    KafkaStreams client = streams;
    if (client == null) {
      return;
    }
    boolean clean =
        client.close(
            CloseOptions.timeout(CLOSE_TIMEOUT)
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    if (clean) {
      log.info("processor closed application_id={}", config.applicationId());
    } else {
      log.warn(
          "processor did not close within the timeout application_id={} timeout={}",
          config.applicationId(),
          CLOSE_TIMEOUT);
    }
  }

  private void requireTopics(Topics topics) {
    List<String> names =
        List.of(
            topics.routeEvents().name(),
            topics.routeEventsDlq().name(),
            topics.routeChanges().name(),
            topics.routes().name());
    try (Admin admin =
        Admin.create(config.kafka().clientProperties(config.applicationId() + "-topic-check"))) {
      Map<String, KafkaFuture<TopicDescription>> described =
          admin
              .describeTopics(
                  names,
                  new DescribeTopicsOptions().timeoutMs((int) TOPIC_CHECK_TIMEOUT.toMillis()))
              .topicNameValues();
      List<String> missing = new ArrayList<>();
      for (String name : names) {
        try {
          described.get(name).get();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
            throw new IllegalStateException(
                "cannot check that topic "
                    + name
                    + " exists on "
                    + config.kafka().bootstrapServers(),
                e.getCause());
          }
          missing.add(name);
        }
      }
      if (!missing.isEmpty()) {
        throw new IllegalStateException(
            "topics " + missing + " do not exist: create them before starting the processor");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking the processor's topics", e);
    }
  }
}
