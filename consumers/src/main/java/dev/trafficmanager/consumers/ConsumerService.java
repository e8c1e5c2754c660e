package dev.trafficmanager.consumers;

import dev.trafficmanager.cache.RedisFailures;
import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.consumers.runner.ChangeHandler;
import dev.trafficmanager.consumers.runner.ConsumerMetrics;
import dev.trafficmanager.consumers.runner.ConsumerRunner;
import dev.trafficmanager.consumers.runner.KafkaDeadLetters;
import dev.trafficmanager.consumers.runner.RunnerSettings;
import dev.trafficmanager.consumers.runner.RunnerStatus;
import dev.trafficmanager.consumers.runner.Sink;
import dev.trafficmanager.database.DatabaseFailures;
import dev.trafficmanager.health.ComponentHealth;
import dev.trafficmanager.health.HealthStatus;
import dev.trafficmanager.kafka.DeadLetterDepth;
import dev.trafficmanager.kafka.DeadLetterDepthSettings;
import dev.trafficmanager.resilience.Dependency;
import dev.trafficmanager.service.ServiceContext;
import dev.trafficmanager.topic.ConsumerGroups;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of one side-effect consumer: builds its handler from its {@link
 * ConsumerDefinition} and a {@link ConsumerRunner}, and runs the runner on a thread of its own,
 * named {@code tm-consumer-<name>}. Each consumer is one consumer group, {@code tm-<name>} behind
 * the topic prefix, reading {@code route-changes} and dead-lettering to {@code
 * route-changes.<name>.dlq}:
 *
 * <ul>
 *   <li>{@value #CACHE_INVALIDATION}: deletes the changed route's Redis cache entry if it is older
 *       than the change, and tells every API's near cache;
 *   <li>{@value #CACHE_WARMING}: writes the route's new state into the cache, never over a newer
 *       revision;
 *   <li>{@value #AUDIT_LOG}: appends the change to PostgreSQL's {@code audit_log}, once per event;
 *       migrates the database at start.
 * </ul>
 *
 * The consumer guards its sink with the process's circuit breaker and retry budget for it ({@link
 * Dependency#REDIS} for the cache consumers, {@link Dependency#DATABASE} for the audit log, {@link
 * Dependency#KAFKA} for dead-letter writes), taken from the {@link ServiceContext}, and registers
 * its meters ({@link ConsumerMetrics}, and the depth of its dead-letter topic read every {@value
 * DeadLetterDepthSettings#INTERVAL} by a {@link DeadLetterDepth}) in the context's registry.
 *
 * <p>{@link #start()} once; {@link #close()} any number of times, from any thread: it stops the
 * loop (which commits what finished and leaves the group), waits for it within a bound, and closes
 * what the consumer opened. The context is the caller's, unless this service made it.
 */
public final class ConsumerService implements AutoCloseable {
  public static final String CACHE_INVALIDATION = "cache-invalidation";
  public static final String CACHE_WARMING = "cache-warming";
  public static final String AUDIT_LOG = "audit-log";

  /**
   * The consumer group of a consumer, {@code tm-<name>}, before the topic prefix ({@link
   * KafkaSettings#groupId} adds it).
   */
  public static String groupBase(String consumerName) {
    return ConsumerGroups.consumer(consumerName);
  }

  private static final List<String> NAMES =
      ConsumerDefinitions.all().stream().map(ConsumerDefinition::name).toList();
  private static final Logger log = LoggerFactory.getLogger(ConsumerService.class);

  private enum State {
    NEW,
    STARTED,
    CLOSED
  }

  private final String name;
  private final ConsumerDefinition definition;
  private final ServiceContext context;
  private final boolean ownsContext;
  private final KafkaSettings kafka;
  private final RunnerSettings runnerSettings;
  private final DeadLetterDepthSettings depthSettings;
  private final ConsumerDefinition.Opener handlers;
  private final UnaryOperator<ChangeHandler> decorator;
  private final String groupBase;

  private final Object lock = new Object();
  // Guarded by lock.
  private State state = State.NEW;
  private ConsumerRunner runner;
  private Sink sink;
  private DeadLetterDepth dlqDepth;
  private Thread thread;
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();

  /**
   * Reads and checks the consumer's settings from the context; connects to nothing yet.
   *
   * @throws IllegalArgumentException if {@code consumerName} is none of {@link #names()}
   * @throws dev.trafficmanager.config.InvalidSettingException if a setting cannot be used
   */
  public ConsumerService(String consumerName, ServiceContext context) {
    this(consumerName, context, false, UnaryOperator.identity());
  }

  /**
   * This consumer under a consumer group of another name, {@code groupBase} behind the topic prefix
   * instead of {@code tm-<name>}: an independent copy that starts from the beginning of {@code
   * route-changes} and applies the same effects (idempotent, so harmless to the live group's). For
   * measuring a replay ({@code bench --scenario replay}) without touching the live group.
   *
   * @throws IllegalArgumentException if {@code consumerName} is none of {@link #names()}
   * @throws dev.trafficmanager.config.InvalidSettingException if a setting cannot be used
   */
  public static ConsumerService inGroup(
      String consumerName, ServiceContext context, String groupBase) {
    return new ConsumerService(consumerName, context, false, UnaryOperator.identity(), groupBase);
  }

  /**
   * A consumer with a {@link ServiceContext} of its own, made from {@code settings} and closed with
   * the service: for a process that runs nothing else, and for tests.
   *
   * @throws IllegalArgumentException if {@code consumerName} is none of {@link #names()}
   * @throws dev.trafficmanager.config.InvalidSettingException if a setting cannot be used
   */
  public ConsumerService(String consumerName, Settings settings) {
    this(
        definition(consumerName).name(),
        ServiceContext.create(settings, "consumer", DatabaseFailures.OUTAGE, RedisFailures.OUTAGE),
        true,
        UnaryOperator.identity());
  }

  /**
   * For tests that must stand between the runner and the real handler, to crash the consumer after
   * an effect and before its commit.
   */
  ConsumerService(
      String consumerName,
      ServiceContext context,
      boolean ownsContext,
      UnaryOperator<ChangeHandler> decorator) {
    this(consumerName, context, ownsContext, decorator, groupBase(consumerName));
  }

  private ConsumerService(
      String consumerName,
      ServiceContext context,
      boolean ownsContext,
      UnaryOperator<ChangeHandler> decorator,
      String groupBase) {
    try {
      this.definition = definition(consumerName);
      this.name = definition.name();
      this.context = context;
      this.ownsContext = ownsContext;
      this.decorator = decorator;
      this.groupBase = groupBase;
      Settings settings = context.settings();
      this.kafka = KafkaSettings.from(settings);
      this.runnerSettings = RunnerSettings.from(settings);
      this.depthSettings = DeadLetterDepthSettings.from(settings);
      this.handlers = definition.handlers().prepare(settings);
    } catch (RuntimeException e) {
      if (ownsContext) {
        context.close();
      }
      throw e;
    }
  }

  /** The consumers this service can run. */
  public static List<String> names() {
    return NAMES;
  }

  public String name() {
    return name;
  }

  /**
   * Opens the consumer's connections (for {@value #AUDIT_LOG}, migrates the database first) and
   * starts consuming on the consumer's own thread.
   *
   * @throws IllegalStateException if already started or closed
   * @throws RuntimeException if the database cannot be migrated; nothing is left open
   */
  public void start() {
    synchronized (lock) {
      if (state != State.NEW) {
        throw new IllegalStateException(
            "consumer " + name + (state == State.CLOSED ? " is closed" : " is already started"));
      }
      try {
        ChangeHandler handler = handlers.open(resources);
        sink = Sink.of(context.resilience(), definition.sink(), definition.isTransient());
        KafkaDeadLetters deadLetters =
            KafkaDeadLetters.create(
                kafka,
                kafka.groupId(groupBase) + "-dlq",
                dlqTopic(),
                context.resilience().breaker(Dependency.KAFKA),
                runnerSettings.deadLetterTimeout());
        resources.push(deadLetters);
        dlqDepth =
            DeadLetterDepth.start(
                kafka,
                depthSettings,
                kafka.groupId(groupBase) + "-dlq-depth",
                List.of(dlqTopic()),
                context.meters());
        resources.push(dlqDepth);
        ConsumerMetrics metrics = new ConsumerMetrics(name, context.meters());
        resources.push(metrics);
        KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(
                runnerSettings.consumerProperties(kafka, groupBase),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        // The client's own meters (fetch rate, records lag per partition, ...), kafka_consumer_*.
        KafkaClientMetrics clientMetrics =
            new KafkaClientMetrics(consumer, Tags.of(ConsumerMetrics.TAG, name));
        clientMetrics.bindTo(context.meters());
        resources.push(clientMetrics);
        runner =
            ConsumerRunner.builder()
                .name(name)
                .consumer(consumer)
                .topic(kafka.topics().routeChanges())
                .handler(decorator.apply(handler))
                .sink(sink)
                .deadLetters(deadLetters)
                .metrics(metrics)
                .settings(runnerSettings)
                .build();
      } catch (RuntimeException e) {
        state = State.CLOSED;
        closeAll(drainResources());
        throw e;
      }
      state = State.STARTED;
      thread = new Thread(runner, "tm-consumer-" + name);
      // The runner logs what broke its loop, stack trace included; this only marks the thread's
      // end.
      thread.setUncaughtExceptionHandler(
          (t, e) ->
              log.error("consumer thread ended consumer={} error=\"{}\"", name, e.toString()));
      thread.start();
    }
  }

  /**
   * Whether the consumer loop is running: it becomes true on the consumer's thread shortly after
   * {@link #start()}, and false once the loop is closed or has broken down.
   */
  public boolean isRunning() {
    synchronized (lock) {
      return runner != null && runner.isRunning();
    }
  }

  /**
   * The consumer's health, for {@code /health/ready} (register it as a {@code HealthCheck}: {@code
   * service::health}); it reads state the loop keeps and never blocks:
   *
   * <ul>
   *   <li>{@link HealthStatus#UP} while it consumes normally;
   *   <li>{@link HealthStatus#DEGRADED} while starting, while it is paused because its sink's
   *       circuit breaker refuses calls (reason {@code sink unavailable}), or while a record waits
   *       to be retried (reason {@code retrying}): it holds back, it does not skip;
   *   <li>{@link HealthStatus#DOWN} before start, after close, and when its loop broke down.
   * </ul>
   *
   * Detail: {@code consumer}, {@code state}, {@code sink}, {@code circuit_breaker}, {@code
   * assigned_partitions}, {@code paused_partitions}, {@code retrying_partitions}, {@code
   * lag_records}, {@code dlq_records} and {@code dlq_read_at} ({@link
   * DeadLetterDepth#healthDetail}), and {@code reason} unless UP. Records in the dead-letter topic
   * leave the status as it is: they are for an operator to look at, the consumer is healthy.
   */
  public ComponentHealth health() {
    RunnerStatus status;
    Sink guarded;
    DeadLetterDepth depth;
    State current;
    synchronized (lock) {
      current = state;
      status = runner == null ? null : runner.status();
      guarded = sink;
      depth = dlqDepth;
    }
    String component = "consumer-" + name;
    if (current == State.NEW || status == null) {
      return ComponentHealth.down(component, current == State.NEW ? "not started" : "closed");
    }
    HealthStatus health;
    String reason;
    switch (status.phase()) {
      case CREATED -> {
        health = HealthStatus.DEGRADED;
        reason = "starting";
      }
      case STOPPED -> {
        health = HealthStatus.DOWN;
        reason = "stopped";
      }
      case FAILED -> {
        health = HealthStatus.DOWN;
        reason = "consumer loop broke down: " + status.failure().orElse("unknown");
      }
      case RUNNING -> {
        if (status.waitingForSink()) {
          health = HealthStatus.DEGRADED;
          reason =
              "sink unavailable: paused until the "
                  + guarded.dependency()
                  + " circuit breaker"
                  + " lets a probe through";
        } else if (status.retryingPartitions() > 0) {
          health = HealthStatus.DEGRADED;
          reason = "retrying: a record waits to be tried again";
        } else {
          health = HealthStatus.UP;
          reason = null;
        }
      }
      default -> throw new IllegalStateException("unknown phase " + status.phase());
    }
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("consumer", name);
    detail.put("state", status.phase().name().toLowerCase(Locale.ROOT));
    detail.put("sink", guarded.dependency().wireName());
    detail.put("circuit_breaker", guarded.breaker().getState().name().toLowerCase(Locale.ROOT));
    detail.put("assigned_partitions", status.assignedPartitions());
    detail.put("paused_partitions", status.pausedPartitions());
    detail.put("retrying_partitions", status.retryingPartitions());
    detail.put("lag_records", status.lagRecords());
    detail.putAll(depth.healthDetail(dlqTopic()));
    if (reason != null) {
      detail.put("reason", reason);
    }
    return new ComponentHealth(component, health, detail);
  }

  /** Stops the loop, waits for it within the bound, and closes the handler and its clients. */
  @Override
  public void close() {
    ConsumerRunner stopping;
    Thread running;
    synchronized (lock) {
      if (state == State.CLOSED) {
        return;
      }
      state = State.CLOSED;
      stopping = runner;
      running = thread;
    }
    if (stopping != null) {
      stopping.wakeup();
      awaitEnd(running);
    }
    List<AutoCloseable> opened;
    synchronized (lock) {
      opened = drainResources();
    }
    // Outside the lock: health() must not wait for a client's close bound.
    closeAll(opened);
    if (ownsContext) {
      context.close();
    }
  }

  private String dlqTopic() {
    return kafka.topics().consumerDlq(name).name();
  }

  private static ConsumerDefinition definition(String consumerName) {
    return ConsumerDefinitions.named(consumerName)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown consumer '"
                        + consumerName
                        + "'; known consumers: "
                        + String.join(", ", NAMES)));
  }

  private void awaitEnd(Thread running) {
    // The loop sees the wakeup within a poll or a handler call, then commits and closes the
    // consumer, each within the close timeout: three of them cover it all.
    Duration bound = runnerSettings.closeTimeout().multipliedBy(3);
    try {
      running.join(bound.toMillis());
      if (running.isAlive()) {
        log.warn(
            "consumer did not stop in time, interrupting it consumer={} waited_ms={}",
            name,
            bound.toMillis());
        running.interrupt();
        running.join(runnerSettings.closeTimeout().toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Takes what start() opened, the last opened first. Called holding the lock. */
  private List<AutoCloseable> drainResources() {
    List<AutoCloseable> opened = new ArrayList<>(resources);
    resources.clear();
    return opened;
  }

  private void closeAll(List<AutoCloseable> opened) {
    for (AutoCloseable resource : opened) {
      try {
        resource.close();
      } catch (Exception e) {
        log.warn("could not close a resource of consumer={}", name, e);
      }
    }
  }
}
