package dev.trafficmanager.app;

import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.kafka.TopicCreator;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(
    name = "create-topics",
    mixinStandardHelpOptions = true,
    description = {
      "Create the pipeline's topics where they are missing (route-events, route-changes, the"
          + " compacted routes, and the dead-letter topics), then exit.",
      "TM_TOPIC_PARTITIONS sets the partitions (3), TM_TOPIC_REPLICATION_FACTOR the replication"
          + " factor (the broker's default)."
    },
    footer = {
      "",
      "Example:",
      "  TM_KAFKA_BOOTSTRAP=kafka:9092 TM_TOPIC_PARTITIONS=6 \\",
      "  traffic-manager create-topics"
    })
final class CreateTopicsCommand implements Callable<Integer> {
  private final Settings settings;

  CreateTopicsCommand(Settings settings) {
    this.settings = settings;
  }

  @Override
  public Integer call() {
    KafkaSettings kafka = KafkaSettings.from(settings);
    new TopicCreator(kafka).createMissing();
    System.out.println("topics ready: " + String.join(", ", kafka.topics().names()));
    return 0;
  }
}
