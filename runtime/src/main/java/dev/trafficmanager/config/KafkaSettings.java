package dev.trafficmanager.config;

import dev.trafficmanager.topic.Topics;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;

/** Where Kafka is and which topics this deployment uses. */
public record KafkaSettings(String bootstrapServers, Topics topics, int partitions) {
  public static final String BOOTSTRAP = "TM_KAFKA_BOOTSTRAP";
  public static final String TOPIC_PREFIX = "TM_TOPIC_PREFIX";
  public static final String PARTITIONS = "TM_TOPIC_PARTITIONS";

  public static KafkaSettings from(Settings settings) {
    return new KafkaSettings(
        settings.string(BOOTSTRAP, "localhost:9092"),
        new Topics(settings.string(TOPIC_PREFIX, "")),
        settings.integer(PARTITIONS, 3, 1, 1024));
  }

  /** The client properties every producer, consumer, admin and Streams client starts from. */
  public Map<String, Object> clientProperties(String clientId) {
    Map<String, Object> props = new HashMap<>();
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
    return props;
  }
}
