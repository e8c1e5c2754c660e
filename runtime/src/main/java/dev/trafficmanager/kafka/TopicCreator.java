package dev.trafficmanager.kafka;

import dev.trafficmanager.config.KafkaSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the pipeline's topics where they are missing; existing topics are left as they are. */
public final class TopicCreator {
  private static final Logger log = LoggerFactory.getLogger(TopicCreator.class);

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

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
                          .configs(
                              kafka.topics().isCompacted(name)
                                  ? Map.of(
                                      TopicConfig.CLEANUP_POLICY_CONFIG,
                                      TopicConfig.CLEANUP_POLICY_COMPACT)
                                  : Map.of()))
              .toList();
      for (var entry : admin.createTopics(topics).values().entrySet()) {
        try {
          AdminResults.await(entry.getValue(), TIMEOUT);
          log.info("created topic {}", entry.getKey());
        } catch (TopicExistsException e) {
          // Left as it is: creating only what is missing is the point.
        } catch (RuntimeException e) {
          throw new IllegalStateException("cannot create topic " + entry.getKey(), e);
        }
      }
    }
  }
}
