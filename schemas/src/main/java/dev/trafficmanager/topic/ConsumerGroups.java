package dev.trafficmanager.topic;

/**
 * The consumer groups of the contract, before the topic prefix ({@code KafkaSettings#groupId} adds
 * it): the processor's Streams application id, and {@code tm-<consumer>} for each of {@link
 * Topics#CONSUMERS}.
 */
public final class ConsumerGroups {
  public static final String PROCESSOR = "traffic-manager-processor";

  private ConsumerGroups() {}

  public static String consumer(String consumerName) {
    return "tm-" + consumerName;
  }
}
