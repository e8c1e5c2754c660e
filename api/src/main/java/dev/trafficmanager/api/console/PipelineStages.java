package dev.trafficmanager.api.console;

import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.topic.ConsumerGroups;
import dev.trafficmanager.topic.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The stages downstream of the outbox, each with its group, its input topic and its dead-letter
 * topic, under this deployment's topic prefix.
 */
final class PipelineStages {
  static final String PROCESSOR = "processor";

  record Stage(String name, String group, String inputTopic, String deadLetterTopic) {}

  private final List<Stage> stages;

  PipelineStages(KafkaSettings kafka) {
    Topics topics = kafka.topics();
    List<Stage> all = new ArrayList<>();
    all.add(
        new Stage(
            PROCESSOR,
            kafka.groupId(ConsumerGroups.PROCESSOR),
            topics.routeEvents().name(),
            topics.routeEventsDlq().name()));
    for (String consumer : Topics.CONSUMERS) {
      all.add(
          new Stage(
              consumer,
              kafka.groupId(ConsumerGroups.consumer(consumer)),
              topics.routeChanges().name(),
              topics.consumerDlq(consumer).name()));
    }
    this.stages = List.copyOf(all);
  }

  List<Stage> all() {
    return stages;
  }

  /** The stage whose dead letters {@code topic} holds. */
  Optional<Stage> byDeadLetterTopic(String topic) {
    return stages.stream().filter(s -> s.deadLetterTopic().equals(topic)).findFirst();
  }
}
