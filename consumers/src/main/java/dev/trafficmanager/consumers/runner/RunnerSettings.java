package dev.trafficmanager.consumers.runner;

import dev.trafficmanager.config.InvalidSettingException;
import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.resilience.Backoff;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * How a {@link ConsumerRunner} polls, retries, gives up on a record and shuts down.
 *
 * @param pollTimeout the longest a poll blocks, and so the longest a stop request, or a probe of an
 *     open circuit breaker, waits
 * @param retryInitialBackoff the ceiling of the wait before the first retry of a failed record
 * @param retryMaxBackoff the largest ceiling of the wait between two retries of one record
 * @param closeTimeout how long closing may take: the runner's last commit and leaving the group
 * @param maxAttempts after this many attempts, a record that still fails for a reason other than an
 *     outage of its sink is dead-lettered
 * @param maxPollInterval Kafka's {@code max.poll.interval.ms}: the runner stops handling a batch
 *     after half of it, so that the group never evicts it while it holds records
 * @param deadLetterTimeout the longest a dead-letter write waits for its acknowledgement
 * @param maxPollRecords Kafka's {@code max.poll.records}: the most records one poll returns, and so
 *     the largest batch a handler gets (one Redis pipeline, one audit statement per 1,000 rows)
 */
public record RunnerSettings(
    Duration pollTimeout,
    Duration retryInitialBackoff,
    Duration retryMaxBackoff,
    Duration closeTimeout,
    int maxAttempts,
    Duration maxPollInterval,
    Duration deadLetterTimeout,
    int maxPollRecords) {
  public static final String POLL_TIMEOUT = "TM_CONSUMER_POLL_TIMEOUT";
  public static final String RETRY_INITIAL_BACKOFF = "TM_CONSUMER_RETRY_INITIAL_BACKOFF";
  public static final String RETRY_MAX_BACKOFF = "TM_CONSUMER_RETRY_MAX_BACKOFF";
  public static final String CLOSE_TIMEOUT = "TM_CONSUMER_CLOSE_TIMEOUT";
  public static final String MAX_ATTEMPTS = "TM_CONSUMER_MAX_ATTEMPTS";
  public static final String MAX_POLL_INTERVAL = "TM_CONSUMER_MAX_POLL_INTERVAL";
  public static final String DLQ_TIMEOUT = "TM_CONSUMER_DLQ_TIMEOUT";
  public static final String MAX_POLL_RECORDS = "TM_CONSUMER_MAX_POLL_RECORDS";

  /**
   * Defaults: poll 500 ms; backoff from 200 ms doubling up to 10 s (longer than a request's,
   * because no caller waits and a sink outage lasts); close 10 s; 10 attempts; Kafka's own 5 min
   * poll interval; dead-letter writes 10 s; 2,000 records a poll (Kafka's 500 makes a replay pay a
   * commit and a round trip to the sink every 500 records).
   */
  public static final RunnerSettings DEFAULTS =
      new RunnerSettings(
          Duration.ofMillis(500),
          Duration.ofMillis(200),
          Duration.ofSeconds(10),
          Duration.ofSeconds(10),
          10,
          Duration.ofMinutes(5),
          Duration.ofSeconds(10),
          2_000);

  /**
   * @throws InvalidSettingException naming the variable whose value is out of range
   */
  public static RunnerSettings from(Settings settings) {
    Duration initial =
        settings.duration(
            RETRY_INITIAL_BACKOFF,
            DEFAULTS.retryInitialBackoff,
            Duration.ZERO,
            Duration.ofMinutes(1));
    Duration max =
        settings.duration(
            RETRY_MAX_BACKOFF, DEFAULTS.retryMaxBackoff, Duration.ZERO, Duration.ofHours(1));
    if (max.compareTo(initial) < 0) {
      throw new InvalidSettingException(
          RETRY_MAX_BACKOFF,
          Settings.format(max),
          "expected at least " + RETRY_INITIAL_BACKOFF + " (" + Settings.format(initial) + ")");
    }
    return new RunnerSettings(
        settings.duration(
            POLL_TIMEOUT, DEFAULTS.pollTimeout, Duration.ofMillis(1), Duration.ofMinutes(1)),
        initial,
        max,
        settings.duration(
            CLOSE_TIMEOUT, DEFAULTS.closeTimeout, Duration.ZERO, Duration.ofMinutes(5)),
        settings.integer(MAX_ATTEMPTS, DEFAULTS.maxAttempts, 1, 1_000),
        settings.duration(
            MAX_POLL_INTERVAL,
            DEFAULTS.maxPollInterval,
            Duration.ofSeconds(1),
            Duration.ofHours(1)),
        settings.duration(
            DLQ_TIMEOUT, DEFAULTS.deadLetterTimeout, Duration.ofSeconds(1), Duration.ofMinutes(5)),
        settings.integer(MAX_POLL_RECORDS, DEFAULTS.maxPollRecords, 1, 100_000));
  }

  /** The wait between retries of one record: exponential, full jitter. */
  public Backoff backoff() {
    return new Backoff(retryInitialBackoff, retryMaxBackoff);
  }

  /**
   * The consumer properties the runner relies on: offsets committed by the runner only, a new group
   * starting from the beginning, only records of committed transactions (the processor writes with
   * exactly-once), and this poll interval and poll size. Fetch sizes keep Kafka's defaults (1 byte
   * minimum, answered at once; 1 MiB per partition), which already fill a poll of this size. The
   * group id is the contract's name behind the deployment's topic prefix.
   */
  public Map<String, Object> consumerProperties(KafkaSettings kafka, String groupBase) {
    String groupId = kafka.groupId(groupBase);
    Map<String, Object> props = kafka.clientProperties(groupId);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) maxPollInterval.toMillis());
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
    return props;
  }
}
