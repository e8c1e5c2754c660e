package dev.trafficmanager.consumers;

import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.config.RedisSettings;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.consumers.invalidation.CacheInvalidationHandler;
import dev.trafficmanager.consumers.runner.ChangeHandler;
import dev.trafficmanager.consumers.runner.ConsumerRunner;
import dev.trafficmanager.consumers.runner.RunnerSettings;
import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.topic.Topic;
import io.lettuce.core.RedisClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of one side-effect consumer: builds its handler and {@link ConsumerRunner}
 * from the {@link Settings} it is given and runs the runner on a thread of its own, named {@code
 * tm-consumer-<name>}. Each consumer is one consumer group, {@code tm-<name>} behind the topic
 * prefix, reading {@code route-changes}.
 *
 * <p>{@link #start()} once; {@link #close()} any number of times, from any thread: it stops the
 * loop (which commits what finished and leaves the group), waits for it within a bound, and closes
 * what the consumer opened.
 */
public final class ConsumerService implements AutoCloseable {
  public static final String CACHE_INVALIDATION = "cache-invalidation";

  private static final List<String> NAMES = List.of(CACHE_INVALIDATION);
  private static final Logger log = LoggerFactory.getLogger(ConsumerService.class);

  private enum State {
    NEW,
    STARTED,
    CLOSED
  }

  private final String name;
  private final KafkaSettings kafka;
  private final RedisSettings redis;
  private final RunnerSettings runnerSettings;

  private final Object lock = new Object();
  // Guarded by lock.
  private State state = State.NEW;
  private ConsumerRunner runner;
  private Thread thread;
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();

  /**
   * Reads and checks the settings; connects to nothing yet.
   *
   * @throws IllegalArgumentException if {@code consumerName} is none of {@link #names()}
   * @throws dev.trafficmanager.config.InvalidSettingException if a setting cannot be used
   */
  public ConsumerService(String consumerName, Settings settings) {
    if (!NAMES.contains(consumerName)) {
      throw new IllegalArgumentException(
          "unknown consumer '" + consumerName + "'; known consumers: " + String.join(", ", NAMES));
    }
    this.name = consumerName;
    this.kafka = KafkaSettings.from(settings);
    this.redis = RedisSettings.from(settings);
    this.runnerSettings = RunnerSettings.from(settings);
  }

  /** The consumers this service can run. */
  public static List<String> names() {
    return NAMES;
  }

  /**
   * Starts consuming on the consumer's own thread and returns.
   *
   * @throws IllegalStateException if already started or closed
   */
  public void start() {
    synchronized (lock) {
      if (state != State.NEW) {
        throw new IllegalStateException(
            "consumer " + name + (state == State.CLOSED ? " is closed" : " is already started"));
      }
      try {
        ChangeHandler handler = handler();
        Topic<String, RouteChange> topic = kafka.topics().routeChanges();
        KafkaConsumer<String, byte[]> consumer =
            new KafkaConsumer<>(
                RunnerSettings.consumerProperties(kafka, "tm-" + name),
                topic.keySerde().deserializer(),
                new ByteArrayDeserializer());
        runner =
            new ConsumerRunner(
                name,
                consumer,
                topic,
                handler,
                runnerSettings.backoffRetryPolicy(),
                runnerSettings,
                Clock.systemUTC());
      } catch (RuntimeException e) {
        state = State.CLOSED;
        closeResources();
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
    synchronized (lock) {
      closeResources();
    }
  }

  private ChangeHandler handler() {
    return switch (name) {
      case CACHE_INVALIDATION -> {
        RedisClient client = redis.newClient();
        resources.push(client::shutdown);
        CacheInvalidationHandler invalidation = new CacheInvalidationHandler(client, redis.keys());
        resources.push(invalidation);
        yield invalidation;
      }
      default -> throw new IllegalStateException("no wiring for consumer " + name);
    };
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

  private void closeResources() {
    while (!resources.isEmpty()) {
      AutoCloseable resource = resources.pop();
      try {
        resource.close();
      } catch (Exception e) {
        log.warn("could not close a resource of consumer={}", name, e);
      }
    }
  }
}
