package dev.trafficmanager.processor;

import dev.trafficmanager.config.Settings;
import dev.trafficmanager.health.ComponentHealth;
import dev.trafficmanager.health.HealthStatus;
import dev.trafficmanager.kafka.DeadLetterDepth;
import dev.trafficmanager.kafka.DeadLetterDepthSettings;
import dev.trafficmanager.service.ServiceContext;
import dev.trafficmanager.topic.Topics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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
 * configured by {@link ProcessorConfig}, with the client's metrics in the process's meter registry
 * and its state as a {@link #health() health check}.
 *
 * <p>It does not create topics. {@link #start()} checks that the pipeline's topics exist and throws
 * {@link IllegalStateException} naming the missing ones; left to itself, Kafka Streams would join
 * the group and then fail the stream thread with {@code MissingSourceTopicException}. Should the
 * input topic disappear later, that exception shuts the client down (state ERROR, health DOWN)
 * rather than replacing the thread in a loop. Other stream-thread failures replace the thread, at
 * most three times in five minutes.
 *
 * <p>Metrics: every Kafka Streams client metric (client, thread, task, processor node and state
 * store level, and the pipeline's own {@link PipelineMetrics}) through Micrometer's {@link
 * KafkaStreamsMetrics}, named {@code kafka_stream_*} in the scrape (the pipeline counters as {@code
 * kafka_stream_route_pipeline_*}). Metrics that appear after start-up (task and store metrics, once
 * partitions are assigned) are picked up within {@value #METRICS_REFRESH_SECONDS} s. The depth of
 * {@code route-events.dlq} is read every {@value DeadLetterDepthSettings#INTERVAL} by a {@link
 * DeadLetterDepth} ({@code tm_dlq_depth_records}); the processor writes it in transactions, so the
 * depth counts their commit markers too and is an upper bound: zero still means empty.
 *
 * <p>Thread-safe. {@link #close()} is idempotent and bounded; a closed service cannot be started.
 */
public final class ProcessorService implements AutoCloseable {
  /** The name the processor's health is reported under. */
  public static final String HEALTH_NAME = "processor";

  private static final Logger log = LoggerFactory.getLogger(ProcessorService.class);

  // Long enough for a commit and a clean group leave, short enough for a container's stop grace.
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration TOPIC_CHECK_TIMEOUT = Duration.ofSeconds(30);
  private static final int MAX_THREAD_REPLACEMENTS = 3;
  private static final Duration REPLACEMENT_WINDOW = Duration.ofMinutes(5);
  // Micrometer's default is a minute; task and store metrics only exist once partitions are
  // assigned, and a minute without them after every start or rebalance is a blind spot.
  private static final int METRICS_REFRESH_SECONDS = 10;

  private final ServiceContext context;
  private final boolean ownsContext;
  private final ProcessorConfig config;
  private final DeadLetterDepthSettings depthSettings;
  private volatile KafkaStreams streams;
  private volatile DeadLetterDepth dlqDepth;
  private ScheduledExecutorService metricsRefresh;
  private KafkaStreamsMetrics streamsMetrics;
  private boolean closed;

  /**
   * A processor in the process that owns {@code context}; closing the processor leaves the context
   * open.
   *
   * @throws dev.trafficmanager.config.InvalidSettingException naming the variable if a setting of
   *     {@link ProcessorConfig} cannot be used
   */
  public ProcessorService(ServiceContext context) {
    this(context, false);
  }

  /**
   * A processor with a context of its own (service tag {@value #HEALTH_NAME}), closed with it: for
   * a process that runs nothing else, and for tests.
   */
  public ProcessorService(Settings settings) {
    this(ServiceContext.create(settings, HEALTH_NAME), true);
  }

  private ProcessorService(ServiceContext context, boolean ownsContext) {
    this.context = context;
    this.ownsContext = ownsContext;
    try {
      this.config = ProcessorConfig.from(context.settings());
      this.depthSettings = DeadLetterDepthSettings.from(context.settings());
    } catch (RuntimeException e) {
      if (ownsContext) {
        context.close();
      }
      throw e;
    }
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
            RouteTopology.build(new StreamsBuilder(), topics, config.maxRevisionJump()),
            config.streamsProperties());
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
    metricsRefresh =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "tm-processor-metrics");
              thread.setDaemon(true);
              return thread;
            });
    streamsMetrics =
        new KafkaStreamsMetrics(
            client, Tags.empty(), metricsRefresh, Duration.ofSeconds(METRICS_REFRESH_SECONDS));
    streamsMetrics.bindTo(context.meters());
    dlqDepth =
        DeadLetterDepth.start(
            config.kafka(),
            depthSettings,
            config.applicationId() + "-dlq-depth",
            List.of(topics.routeEventsDlq().name()),
            context.meters());
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
   * The processor's health, from the state the client keeps (it calls nothing remote): {@link
   * HealthStatus#UP} while RUNNING or REBALANCING (a rebalance is part of normal operation: the
   * client resumes by itself), {@link HealthStatus#DOWN} before start, while shutting down, and in
   * ERROR (the client gave up: the process must be restarted). Detail: {@code state}, {@code
   * application_id}, {@code dlq_records} ({@value DeadLetterDepth#UNKNOWN} until read) and {@code
   * dlq_read_at} ({@link DeadLetterDepth#healthDetail}). Records in {@code route-events.dlq} leave
   * the status as it is: they are for an operator to look at, the processor is healthy.
   */
  public ComponentHealth health() {
    KafkaStreams.State state = state();
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("state", state.name().toLowerCase(Locale.ROOT));
    detail.put("application_id", config.applicationId());
    DeadLetterDepth depth = dlqDepth;
    detail.putAll(
        depth == null
            ? Map.of("dlq_records", DeadLetterDepth.UNKNOWN)
            : depth.healthDetail(config.kafka().topics().routeEventsDlq().name()));
    HealthStatus status =
        switch (state) {
          case RUNNING, REBALANCING -> HealthStatus.UP;
          case CREATED, PENDING_SHUTDOWN, NOT_RUNNING, PENDING_ERROR, ERROR -> HealthStatus.DOWN;
        };
    return new ComponentHealth(HEALTH_NAME, status, detail);
  }

  /**
   * Commits what is processed (under exactly-once, closing commits the open transaction), leaves
   * the consumer group so that other instances take the partitions over at once, and closes,
   * waiting at most 30 s; then stops reading the dead-letter depth, removes the client's meters,
   * and closes the context if the processor created it. Should the bound pass, the open transaction
   * is aborted (by the broker, within the transaction timeout) and its records are processed again
   * by the next owner: no output is lost or doubled for read_committed readers.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      closeStreams();
    } finally {
      // After Streams: leaving the group must not wait on a depth read stuck on a dead broker.
      if (dlqDepth != null) {
        dlqDepth.close();
      }
      if (streamsMetrics != null) {
        streamsMetrics.close();
        metricsRefresh.shutdownNow();
      }
      if (ownsContext) {
        context.close();
      }
    }
  }

  private void closeStreams() {
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
