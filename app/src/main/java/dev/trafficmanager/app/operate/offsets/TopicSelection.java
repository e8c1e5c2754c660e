package dev.trafficmanager.app.operate.offsets;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A topic and, optionally, some of its partitions, written as Kafka's tools write it: {@code
 * route-changes} (every partition) or {@code route-changes:0,2}.
 *
 * @param partitions the chosen partitions; empty means all of them
 */
public record TopicSelection(String topic, Set<Integer> partitions) {
  public TopicSelection {
    Objects.requireNonNull(topic, "topic");
    partitions = Set.copyOf(partitions);
  }

  public static TopicSelection all(String topic) {
    return new TopicSelection(topic, Set.of());
  }

  /**
   * Reads {@code topic} or {@code topic:p1,p2,…}.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static TopicSelection parse(String value) {
    int colon = value.indexOf(':');
    String topic = (colon < 0 ? value : value.substring(0, colon)).strip();
    if (topic.isEmpty()) {
      throw new IllegalArgumentException("'" + value + "' names no topic");
    }
    if (colon < 0) {
      return all(topic);
    }
    Set<Integer> partitions = new TreeSet<>();
    for (String part : value.substring(colon + 1).split(",", -1)) {
      try {
        int partition = Integer.parseInt(part.strip());
        if (partition < 0) {
          throw new NumberFormatException();
        }
        partitions.add(partition);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "'" + value + "': expected topic or topic:partition,partition,… with partitions >= 0");
      }
    }
    return new TopicSelection(topic, partitions);
  }

  /** The same selection of the topic under another name (the prefixed one). */
  public TopicSelection renamed(String name) {
    return new TopicSelection(name, partitions);
  }
}
