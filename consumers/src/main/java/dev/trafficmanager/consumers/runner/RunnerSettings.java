package dev.trafficmanager.consumers.runner;

import dev.trafficmanager.config.InvalidSettingException;
import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.config.Settings;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * How a {@link ConsumerRunner} polls, waits between retries and shuts down.
 *
 * @param pollTimeout the longest a poll blocks, and so the longest a stop request waits for it
 * @param retryInitialBackoff the wait before the first retry of a failed record
 * @param retryMaxBackoff the longest wait between two retries of one record
 * @param closeTimeout how long closing may take: the runner's last commit and leaving the group
 */
public record RunnerSettings(
    Duration pollTimeout,
    Duration retryInitialBackoff,
    Duration retryMaxBackoff,
    Duration closeTimeout) {
  public static final String POLL_TIMEOUT = "TM_CONSUMER_POLL_TIMEOUT";
  public static final String RETRY_INITIAL_BACKOFF = "TM_CONSUMER_RETRY_INITIAL_BACKOFF";
  public static final String RETRY_MAX_BACKOFF = "TM_CONSUMER_RETRY_MAX_BACKOFF";
  public static final String CLOSE_TIMEOUT = "TM_CONSUMER_CLOSE_TIMEOUT";

  public static RunnerSettings from(Settings settings) {
    Duration pollTimeout = settings.duration(POLL_TIMEOUT, Duration.ofMillis(500));
    Duration initial = settings.duration(RETRY_INITIAL_BACKOFF, Duration.ofMillis(200));
    Duration max = settings.duration(RETRY_MAX_BACKOFF, Duration.ofSeconds(10));
    Duration close = settings.duration(CLOSE_TIMEOUT, Duration.ofSeconds(10));
    if (pollTimeout.isZero()) {
      throw new InvalidSettingException(
          POLL_TIMEOUT, settings.string(POLL_TIMEOUT, ""), "expected more than 0");
    }
    if (max.compareTo(initial) < 0) {
      throw new InvalidSettingException(
          RETRY_MAX_BACKOFF,
          settings.string(RETRY_MAX_BACKOFF, max.toString()),
          "expected at least " + RETRY_INITIAL_BACKOFF + " (" + initial + ")");
    }
    return new RunnerSettings(pollTimeout, initial, max, close);
  }

  /** The default failure policy for these settings. */
  public FailurePolicy backoffRetryPolicy() {
    return new BackoffRetryPolicy(retryInitialBackoff, retryMaxBackoff);
  }

  /**
   * The consumer properties the runner relies on: offsets committed by the runner only, a new group
   * starting from the beginning, and only records of committed transactions (the processor writes
   * with exactly-once). The group id is the contract's name behind the deployment's topic prefix.
   */
  public static Map<String, Object> consumerProperties(KafkaSettings kafka, String groupBase) {
    String groupId = kafka.groupId(groupBase);
    Map<String, Object> props = kafka.clientProperties(groupId);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return props;
  }
}
