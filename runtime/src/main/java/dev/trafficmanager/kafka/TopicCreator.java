package dev.trafficmanager.kafka;

import dev.trafficmanager.config.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the pipeline's topics where they are missing; existing topics are left as they are.
 * {@code routes} is compacted, {@code route-events} (the event log) is kept without a time limit,
 * the others take the broker's retention. Returns once every partition of every topic it created is
 * served by its leader, so that whatever starts next can write at once: the controller acknowledges
 * a creation before the leader has taken its partitions over, and a producer that writes into that
 * gap has its first batches refused.
 */
public final class TopicCreator {
  private static final Logger log = LoggerFactory.getLogger(TopicCreator.class);

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Duration RETRY_PAUSE = Duration.ofMillis(100);

  private final KafkaSettings kafka;

  public TopicCreator(KafkaSettings kafka) {
    this.kafka = kafka;
  }

  public void createMissing() {
    createMissing(kafka.replicationFactor());
  }

  public void createMissing(short replicationFactor) {
    createMissing(Optional.of(replicationFactor));
  }

  private void createMissing(Optional<Short> replicationFactor) {
    try (Admin admin = Admin.create(kafka.clientProperties("tm-topic-creator"))) {
      List<NewTopic> topics =
          kafka.topics().names().stream()
              .map(
                  name ->
                      new NewTopic(name, Optional.of(kafka.partitions()), replicationFactor)
                          .configs(configs(name)))
              .toList();
      List<String> created = new ArrayList<>();
      for (var entry : admin.createTopics(topics).values().entrySet()) {
        try {
          AdminResults.await(entry.getValue(), TIMEOUT);
          log.info("created topic {}", entry.getKey());
          created.add(entry.getKey());
        } catch (TopicExistsException e) {
          // Left as it is: creating only what is missing is the point.
        } catch (RuntimeException e) {
          throw new IllegalStateException("cannot create topic " + entry.getKey(), e);
        }
      }
      // Only what was just created: an existing topic is the cluster's business, as it was.
      if (!created.isEmpty()) {
        awaitLeaders(admin, created);
      }
    }
  }

  private Map<String, String> configs(String name) {
    if (kafka.topics().isCompacted(name)) {
      return Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    }
    if (name.equals(kafka.topics().routeEvents().name())) {
      // The event log is kept for good: rebuild-processor replays it from the start, and a route
      // last written before a time-based retention would vanish from the rebuilt state.
      return Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1");
    }
    return Map.of();
  }

  private static void awaitLeaders(Admin admin, List<String> names) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      try {
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        AdminResults.await(admin.describeTopics(names).allTopicNames(), TIMEOUT)
            .forEach(
                (name, description) ->
                    description
                        .partitions()
                        .forEach(
                            p ->
                                partitions.put(
                                    new TopicPartition(name, p.partition()), OffsetSpec.latest())));
        // Only a partition's leader answers ListOffsets.
        AdminResults.await(admin.listOffsets(partitions).all(), TIMEOUT);
        return;
      } catch (RetriableException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("topics have no leader after " + TIMEOUT, e);
        }
        sleep(RETRY_PAUSE);
      }
    }
  }

  private static void sleep(Duration pause) {
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for topic leaders", e);
    }
  }
}
