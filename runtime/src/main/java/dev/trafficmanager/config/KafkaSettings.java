package dev.trafficmanager.config;

import dev.trafficmanager.topic.Topics;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * Where Kafka is, how to connect to it, and which topics this deployment uses. Without a
 * replication factor, topics are created with the broker's default.
 *
 * @param clientConfig Kafka client properties passed through to every client ({@value
 *     #PROPERTIES_FILE}, {@value #CLIENT_PREFIX}{@code *}): security protocol, TLS, SASL
 */
public record KafkaSettings(
    String bootstrapServers,
    Topics topics,
    int partitions,
    Optional<Short> replicationFactor,
    Map<String, String> clientConfig) {
  public static final String BOOTSTRAP = "TM_KAFKA_BOOTSTRAP";
  public static final String PROPERTIES_FILE = KafkaClientConfig.PROPERTIES_FILE;
  public static final String CLIENT_PREFIX = KafkaClientConfig.PREFIX;
  public static final String TOPIC_PREFIX = "TM_TOPIC_PREFIX";
  public static final String PARTITIONS = "TM_TOPIC_PARTITIONS";
  public static final String REPLICATION_FACTOR = "TM_TOPIC_REPLICATION_FACTOR";

  public KafkaSettings {
    clientConfig = Map.copyOf(clientConfig);
  }

  public static KafkaSettings from(Settings settings) {
    return new KafkaSettings(
        settings.string(BOOTSTRAP, "localhost:9092"),
        new Topics(settings.string(TOPIC_PREFIX, "")),
        settings.integer(PARTITIONS, 3, 1, 1024),
        settings
            .optional(REPLICATION_FACTOR)
            .map(v -> (short) settings.integer(REPLICATION_FACTOR, 1, 1, Short.MAX_VALUE)),
        KafkaClientConfig.from(settings));
  }

  /**
   * A consumer group or Streams application id: the contract's name, behind the topic prefix so
   * that deployments (and tests) sharing one cluster never share a group.
   */
  public String groupId(String base) {
    return topics().prefix() + base;
  }

  /**
   * The client properties every producer, consumer, admin and Streams client starts from: the
   * passed-through {@link #clientConfig()}, the bootstrap servers and {@code clientId}. A client
   * then sets what its guarantees rest on (acks, idempotence, isolation level, offsets), over
   * anything passed through.
   */
  public Map<String, Object> clientProperties(String clientId) {
    Map<String, Object> props = new HashMap<>(clientConfig);
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
    return props;
  }

  /** Names the passed-through properties without their values, which may be secrets. */
  @Override
  public String toString() {
    return "KafkaSettings[bootstrapServers="
        + bootstrapServers
        + ", topics="
        + topics
        + ", partitions="
        + partitions
        + ", replicationFactor="
        + replicationFactor
        + ", clientConfig="
        + clientConfig.keySet().stream().sorted().toList()
        + "]";
  }
}
