package dev.trafficmanager.config;

import dev.trafficmanager.topic.Topics;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * Where Kafka is and which topics this deployment uses. Without a replication factor, topics are
 * created with the broker's default.
 */
public record KafkaSettings(
    String bootstrapServers, Topics topics, int partitions, Optional<Short> replicationFactor) {
  public static final String BOOTSTRAP = "TM_KAFKA_BOOTSTRAP";
  public static final String TOPIC_PREFIX = "TM_TOPIC_PREFIX";
  public static final String PARTITIONS = "TM_TOPIC_PARTITIONS";
  public static final String REPLICATION_FACTOR = "TM_TOPIC_REPLICATION_FACTOR";

  public static KafkaSettings from(Settings settings) {
    return new KafkaSettings(
        settings.string(BOOTSTRAP, "localhost:9092"),
        new Topics(settings.string(TOPIC_PREFIX, "")),
        settings.integer(PARTITIONS, 3, 1, 1024),
        settings
            .optional(REPLICATION_FACTOR)
            .map(v -> (short) settings.integer(REPLICATION_FACTOR, 1, 1, Short.MAX_VALUE)));
  }

  /**
   * A consumer group or Streams application id: the contract's name, behind the topic prefix so
   * that deployments (and tests) sharing one cluster never share a group.
   */
  public String groupId(String base) {
    return topics().prefix() + base;
  }

  /** The client properties every producer, consumer, admin and Streams client starts from. */
  public Map<String, Object> clientProperties(String clientId) {
    Map<String, Object> props = new HashMap<>();
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
    return props;
  }
}
