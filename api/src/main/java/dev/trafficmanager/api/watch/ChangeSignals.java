package dev.trafficmanager.api.watch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trafficmanager.config.KafkaSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tails {@code route-events} on one thread and tells the {@link WatchHub} which tenant changed up
 * to which index, so that every API instance learns of a change within the relay's latency,
 * whichever instance took the write.
 *
 * <p>A plain consumer: no group (nothing to commit, no rebalances), every partition assigned,
 * starting at the end (older changes are PostgreSQL's to serve), {@code read_committed} (the relay
 * publishes in transactions; an aborted batch is no change). It is only a wake-up: the hub reads
 * the changes themselves from PostgreSQL, so a duplicate, a reordering across partitions or a lost
 * record costs at most a fetch or a poll interval, never a wrong answer. Tailing {@code
 * route-events} rather than {@code route-changes} keeps watches moving when the processor is down.
 */
public final class ChangeSignals implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChangeSignals.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration RETRY = Duration.ofSeconds(5);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String topic;
  private final WatchHub hub;
  private final ObjectMapper json = new ObjectMapper();
  private final AtomicBoolean running = new AtomicBoolean();
  private final Thread thread;

  public ChangeSignals(KafkaSettings kafka, WatchHub hub) {
    Map<String, Object> props = kafka.clientProperties("tm-api-watch");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    this.consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.topic = kafka.topics().routeEvents().name();
    this.hub = hub;
    this.thread = new Thread(this::run, "tm-watch-signals");
    thread.setDaemon(true);
  }

  /** Starts the tail; it waits for the topic to exist, and never stops the API by failing. */
  public void start() {
    if (!running.compareAndSet(false, true)) {
      throw new IllegalStateException("the change signals run once");
    }
    thread.start();
  }

  private void run() {
    try {
      while (running.get() && !assign()) {
        Thread.sleep(RETRY.toMillis());
      }
      while (running.get()) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
          signal(record.value());
        }
      }
    } catch (WakeupException | InterruptedException e) {
      // stopping
    } catch (RuntimeException e) {
      log.error("event=watch_signals_failed error=\"{}\"", e.toString(), e);
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }

  /** Assigns every partition of the topic at its end; false while the topic does not exist. */
  private boolean assign() {
    try {
      List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10));
      if (partitions == null || partitions.isEmpty()) {
        return false;
      }
      List<TopicPartition> assigned =
          partitions.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(assigned);
      consumer.seekToEnd(assigned);
      log.info("event=watch_signals_started topic={} partitions={}", topic, assigned.size());
      return true;
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      log.debug("event=watch_signals_waiting topic={} error=\"{}\"", topic, e.toString());
      return false;
    }
  }

  private void signal(byte[] value) {
    if (value == null) {
      return;
    }
    try {
      JsonNode event = json.readTree(value);
      JsonNode tenant = event.path("tenant");
      JsonNode index = event.path("index");
      if (tenant.isTextual() && index.canConvertToLong()) {
        hub.signal(tenant.asText(), index.asLong());
      }
    } catch (IOException e) {
      // Not an event: the processor sends it to its DLQ; nothing changed for a watcher.
      log.debug("event=watch_signal_unreadable error=\"{}\"", e.toString());
    }
  }

  @Override
  public void close() {
    if (running.getAndSet(false)) {
      consumer.wakeup();
      try {
        thread.join(Duration.ofSeconds(10).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } else {
      consumer.close(CloseOptions.timeout(Duration.ZERO));
    }
  }
}
