package dev.trafficmanager.app.bench;

import dev.trafficmanager.cache.RedisFailures;
import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.consumers.ConsumerService;
import dev.trafficmanager.database.DatabaseFailures;
import dev.trafficmanager.service.ServiceContext;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code replay}: runs, in this process, a fresh consumer of one kind (the service's own runner and
 * handler, built by {@link ConsumerService#inGroup}) under a group of its own, {@code
 * tm-<name>-bench-<8 hex digits>}, that starts from the beginning of {@code route-changes}, and
 * times it until it has committed past every record the topic held when it started. Its effects are
 * the consumer's own and idempotent: the cache-invalidation replay deletes and announces every
 * changed route again, the audit-log replay finds every entry already written. The group is deleted
 * afterwards.
 *
 * <p>The records are counted first, by reading the topic once (read_committed, as the consumer
 * reads it); the committed offsets are then polled every {@value #POLL_MILLIS} ms. Committed, not
 * fetched: a record counts once its effect is done.
 *
 * <p>Two rates: over the whole run, and over the steady part that starts when the consumer has
 * handled its first records, which leaves out joining the group and the first fetch, as Kafka's
 * consumer perf tool does in its {@code fetch.nMsg.sec}. On a topic of a few thousand records the
 * join alone is a large share of the whole.
 */
final class ConsumerReplay {
  // The name of ConsumerMetrics' counter, as /metrics shows it: tm_consumer_records_processed.
  static final String RECORDS_PROCESSED = "tm.consumer.records.processed";
  static final String DLQ_RECORDS = "tm.consumer.dlq.records";
  private static final long POLL_MILLIS = 50;
  private static final Duration READ_POLL = Duration.ofMillis(200);

  private final Settings settings;

  ConsumerReplay(Settings settings) {
    this.settings = settings;
  }

  ReplayResult replay(String consumerName, Duration timeout, BooleanSupplier stopped)
      throws InterruptedException {
    KafkaSettings kafka = KafkaSettings.from(settings);
    String topic = kafka.topics().routeChanges().name();
    String groupBase =
        String.format("tm-%s-bench-%08x", consumerName, ThreadLocalRandom.current().nextInt());
    String group = kafka.groupId(groupBase);
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<TopicPartition, Long> targets = new HashMap<>();
    long records = count(kafka, topic, targets, deadline);
    try (Admin admin = Admin.create(kafka.clientProperties("bench-replay-admin"));
        ServiceContext context =
            ServiceContext.create(
                settings, "bench", DatabaseFailures.OUTAGE, RedisFailures.OUTAGE)) {
      long start = System.nanoTime();
      boolean caughtUp;
      long end;
      long processed;
      long firstSeen = 0;
      long processedWhenFirstSeen = 0;
      try (ConsumerService consumer = ConsumerService.inGroup(consumerName, context, groupBase)) {
        consumer.start();
        caughtUp = committedPast(admin, group, targets);
        while (!caughtUp && System.nanoTime() - deadline < 0 && !stopped.getAsBoolean()) {
          TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
          caughtUp = committedPast(admin, group, targets);
          if (firstSeen == 0 && (processedWhenFirstSeen = handled(context, consumerName)) > 0) {
            firstSeen = System.nanoTime();
          }
        }
        end = System.nanoTime();
        // Read before close, which takes the consumer's meters out of the registry.
        processed = handled(context, consumerName);
      }
      deleteGroup(admin, group);
      double seconds = (end - start) / 1e9;
      double steadySeconds = firstSeen == 0 ? 0 : (end - firstSeen) / 1e9;
      return new ReplayResult(
          consumerName,
          group,
          topic,
          records,
          processed,
          caughtUp,
          seconds,
          caughtUp && seconds > 0 ? records / seconds : 0,
          caughtUp && steadySeconds > 0 ? (records - processedWhenFirstSeen) / steadySeconds : 0);
    }
  }

  /**
   * Reads the topic from its start to its end offsets now; answers the records read and fills in,
   * for each partition that has any, the offset just past its last record.
   */
  private static long count(
      KafkaSettings kafka, String topic, Map<TopicPartition, Long> targets, long deadline) {
    Map<String, Object> props = kafka.clientProperties("bench-replay-count");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      long records = 0;
      while (!reached(consumer, ends) && System.nanoTime() - deadline < 0) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(READ_POLL)) {
          TopicPartition partition = new TopicPartition(record.topic(), record.partition());
          if (record.offset() < ends.get(partition)) {
            records++;
            targets.merge(partition, record.offset() + 1, Math::max);
          }
        }
      }
      return records;
    }
  }

  private static boolean reached(
      KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
    return ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
  }

  private static boolean committedPast(Admin admin, String group, Map<TopicPartition, Long> targets)
      throws InterruptedException {
    if (targets.isEmpty()) {
      return true;
    }
    try {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get(5, TimeUnit.SECONDS);
      return targets.entrySet().stream()
          .allMatch(
              t -> {
                OffsetAndMetadata offset = committed.get(t.getKey());
                return offset != null && offset.offset() >= t.getValue();
              });
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      return false;
    }
  }

  private static void deleteGroup(Admin admin, String group) throws InterruptedException {
    try {
      admin.deleteConsumerGroups(Set.of(group)).all().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      // Left behind: an empty group with committed offsets, removed by the broker's retention.
    }
  }

  /** The records the consumer's runner has handled so far, dead-lettered ones included. */
  private static long handled(ServiceContext context, String consumer) {
    return (long)
        (counter(context, RECORDS_PROCESSED, consumer) + counter(context, DLQ_RECORDS, consumer));
  }

  private static double counter(ServiceContext context, String name, String consumer) {
    Counter counter = context.meters().find(name).tag("consumer", consumer).counter();
    return counter == null ? 0 : counter.count();
  }
}
