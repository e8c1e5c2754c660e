package dev.trafficmanager.kafka;

import dev.trafficmanager.config.KafkaSettings;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many records are parked in some dead-letter topics: every {@link
 * DeadLetterDepthSettings#interval()}, on one daemon thread named after its Kafka client id, it
 * reads each topic's depth with the Admin API, the sum over its partitions of the latest offset
 * minus the earliest one. Every Kafka call waits at most 10 s.
 *
 * <p>The depth is exact for a topic written without transactions (the consumers' dead-letter
 * topics). In a topic written in transactions (the processor's, under exactly-once) every
 * transaction's commit or abort marker takes an offset too, so the depth is an upper bound there:
 * zero still means empty. Records removed by retention or {@code deleteRecords} no longer count.
 *
 * <p>Published as the gauge {@code tm_dlq_depth_records{topic=…}} (NaN until the first read) and as
 * {@link #last(String)} / {@link #healthDetail(String)} for health checks. A read that fails (Kafka
 * unreachable, topic missing) keeps the previous reading and its time; the first failure of a
 * streak is logged at WARN, the recovery at INFO. Nothing is thrown out of the reading thread.
 *
 * <p>{@link #close()} stops the thread, closes the Admin client and removes the gauges; it is
 * idempotent.
 */
public final class DeadLetterDepth implements AutoCloseable {
  public static final String METRIC = "tm.dlq.depth.records";
  public static final String TAG = "topic";

  /** What {@link #healthDetail(String)} reports as the depth before the first successful read. */
  public static final String UNKNOWN = "unknown";

  private static final Logger log = LoggerFactory.getLogger(DeadLetterDepth.class);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

  /** One successful read: the topic held {@code records} records at {@code readAt}. */
  public record Reading(long records, Instant readAt) {}

  private final List<String> topics;
  private final Admin admin;
  private final Clock clock;
  private final MeterRegistry registry;
  private final List<Meter> gauges;
  private final ScheduledExecutorService scheduler;
  private final Map<String, Reading> readings = new ConcurrentHashMap<>();
  // Touched by the reading thread only.
  private final Set<String> failing = new HashSet<>();
  private boolean closed;

  private DeadLetterDepth(
      Admin admin,
      List<String> topics,
      MeterRegistry registry,
      Clock clock,
      String threadName,
      Duration interval) {
    this.admin = admin;
    this.topics = List.copyOf(topics);
    this.registry = registry;
    this.clock = clock;
    this.gauges =
        this.topics.stream()
            .<Meter>map(
                topic ->
                    Gauge.builder(METRIC, this, depth -> depth.gaugeValue(topic))
                        .description("Records parked in the dead-letter topic, as last read")
                        .tag(TAG, topic)
                        .strongReference(true)
                        .register(registry))
            .toList();
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, threadName);
              thread.setDaemon(true);
              return thread;
            });
    scheduler.scheduleWithFixedDelay(this::readAll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Registers the gauges and starts reading {@code topics} at once, then every interval, with an
   * Admin client of its own named {@code clientId} (the reading thread has the same name).
   */
  public static DeadLetterDepth start(
      KafkaSettings kafka,
      DeadLetterDepthSettings settings,
      String clientId,
      List<String> topics,
      MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    Map<String, Object> props = kafka.clientProperties(clientId);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) READ_TIMEOUT.toMillis());
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) READ_TIMEOUT.toMillis());
    return new DeadLetterDepth(
        Admin.create(props), topics, registry, Clock.systemUTC(), clientId, settings.interval());
  }

  /** The last successful read of {@code topic}; empty before the first one. */
  public Optional<Reading> last(String topic) {
    return Optional.ofNullable(readings.get(topic));
  }

  /**
   * The depth of {@code topic} for a health check's detail: {@code dlq_records} (the number, or
   * {@value #UNKNOWN} before the first successful read) and, once read, {@code dlq_read_at} (the
   * time of that read, RFC 3339).
   */
  public Map<String, Object> healthDetail(String topic) {
    Map<String, Object> detail = new LinkedHashMap<>();
    last(topic)
        .ifPresentOrElse(
            reading -> {
              detail.put("dlq_records", reading.records());
              detail.put("dlq_read_at", reading.readAt().toString());
            },
            () -> detail.put("dlq_records", UNKNOWN));
    return detail;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    // Interrupts a read in progress; the thread then ends without logging a failure.
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    admin.close(READ_TIMEOUT);
    gauges.forEach(registry::remove);
  }

  private double gaugeValue(String topic) {
    return last(topic).map(reading -> (double) reading.records()).orElse(Double.NaN);
  }

  private void readAll() {
    for (String topic : topics) {
      try {
        long records = depthOf(topic);
        readings.put(topic, new Reading(records, clock.instant()));
        if (failing.remove(topic)) {
          log.info("dead-letter topic depth read again topic={} records={}", topic, records);
        }
      } catch (RuntimeException e) {
        if (Thread.currentThread().isInterrupted()) {
          return;
        }
        if (failing.add(topic)) {
          log.warn(
              "cannot read dead-letter topic depth, keeping the last reading topic={}"
                  + " last_records={} error=\"{}\"",
              topic,
              last(topic).map(reading -> (Object) reading.records()).orElse(UNKNOWN),
              e.toString());
        }
      }
    }
  }

  private long depthOf(String topic) {
    TopicDescription description =
        AdminResults.await(
            admin
                .describeTopics(
                    List.of(topic),
                    new DescribeTopicsOptions().timeoutMs((int) READ_TIMEOUT.toMillis()))
                .topicNameValues()
                .get(topic),
            READ_TIMEOUT);
    List<TopicPartition> partitions =
        description.partitions().stream()
            .map(partition -> new TopicPartition(topic, partition.partition()))
            .toList();
    // Earliest first: records deleted or appended between the two reads can only make the
    // difference larger, never negative.
    Map<TopicPartition, Long> earliest = offsets(partitions, OffsetSpec.earliest());
    Map<TopicPartition, Long> latest = offsets(partitions, OffsetSpec.latest());
    return partitions.stream().mapToLong(p -> latest.get(p) - earliest.get(p)).sum();
  }

  private Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec) {
    return AdminResults.await(
            admin
                .listOffsets(
                    partitions.stream().collect(Collectors.toMap(Function.identity(), p -> spec)),
                    new ListOffsetsOptions().timeoutMs((int) READ_TIMEOUT.toMillis()))
                .all(),
            READ_TIMEOUT)
        .entrySet()
        .stream()
        .collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().offset()));
  }
}
