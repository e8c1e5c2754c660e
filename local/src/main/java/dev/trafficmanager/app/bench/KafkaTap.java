package dev.trafficmanager.app.bench;

import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.route.RouteKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one topic from its end, as a downstream subscriber would (read_committed, every partition
 * assigned, no consumer group), and records when each revision of the run's tenant arrives: when
 * {@code poll} returned it. The end offsets are resolved when it opens, before the run's first
 * write, so it sees everything written afterwards and nothing before.
 */
final class KafkaTap implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaTap.class);
  // Short: poll returns as soon as a fetch brings records, and the thread is straight back in it,
  // so
  // an arrival is timed when its fetch is handed over, not up to a poll timeout later.
  private static final Duration POLL = Duration.ofMillis(10);

  /** A revision of a route, read from a record's value. */
  record Revision(RouteKey route, long revision) {}

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Function<byte[], Revision> reader;
  private final String tenant;
  private final Arrivals arrivals;
  private final Thread thread;
  private volatile boolean closing;

  private KafkaTap(
      KafkaConsumer<byte[], byte[]> consumer,
      Function<byte[], Revision> reader,
      String tenant,
      Arrivals arrivals) {
    this.consumer = consumer;
    this.reader = reader;
    this.tenant = tenant;
    this.arrivals = arrivals;
    this.thread = new Thread(this::run, "bench-tap-" + arrivals.stage());
    this.thread.setDaemon(true);
  }

  /** Opens a tap at the topic's current end and starts reading on a thread of its own. */
  static KafkaTap atEnd(
      KafkaSettings kafka,
      String topic,
      Function<byte[], Revision> reader,
      String tenant,
      Arrivals arrivals) {
    Map<String, Object> props = kafka.clientProperties("bench-tap-" + topic);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    try {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      // position() resolves the lazy seek now, before any write of the run.
      partitions.forEach(consumer::position);
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
    KafkaTap tap = new KafkaTap(consumer, reader, tenant, arrivals);
    tap.thread.start();
    return tap;
  }

  private void run() {
    try {
      while (!closing) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
        // One time for the whole poll, taken before any record is read.
        long now = System.nanoTime();
        for (ConsumerRecord<byte[], byte[]> record : records) {
          Optional.ofNullable(record.value())
              .map(this::read)
              .filter(r -> r.route().tenant().equals(tenant))
              .ifPresent(r -> arrivals.arrived(r.route(), r.revision(), now));
        }
      }
    } catch (WakeupException stopping) {
      // close() woke the poll.
    } catch (RuntimeException e) {
      log.warn("bench tap of {} stopped: {}", arrivals.stage(), e.toString());
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }

  private Revision read(byte[] value) {
    try {
      return reader.apply(value);
    } catch (RuntimeException unreadable) {
      // Not the run's: the processor dead-letters what it cannot read.
      return null;
    }
  }

  @Override
  public void close() throws InterruptedException {
    closing = true;
    consumer.wakeup();
    thread.join(Duration.ofSeconds(10).toMillis());
  }
}
