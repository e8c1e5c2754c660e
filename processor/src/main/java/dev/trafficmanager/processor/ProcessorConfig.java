package dev.trafficmanager.processor;

import dev.trafficmanager.config.InvalidSettingException;
import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.topic.ConsumerGroups;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The processor's Kafka Streams settings, read from {@link Settings}. The application id is the
 * contract's {@value #APPLICATION_ID_BASE} behind the topic prefix ({@link KafkaSettings#groupId}).
 * Invalid values throw {@link InvalidSettingException} naming the variable.
 *
 * @param stateDir where RocksDB keeps the {@code route-state} store ({@value #STATE_DIR})
 * @param commitInterval how often a transaction commits ({@value #COMMIT_INTERVAL})
 * @param replicationFactor of the changelog topic; -1 means the broker's default ({@value
 *     #REPLICATION_FACTOR})
 * @param streamThreads stream threads in this instance ({@value #STREAM_THREADS})
 * @param maxRevisionJump how far ahead of a route's applied revision an event may be and still be
 *     applied; further is a forged or corrupted event, sent to the DLQ ({@value
 *     #MAX_REVISION_JUMP})
 */
public record ProcessorConfig(
    KafkaSettings kafka,
    String applicationId,
    Path stateDir,
    Duration commitInterval,
    int replicationFactor,
    int streamThreads,
    long maxRevisionJump) {
  public static final String APPLICATION_ID_BASE = ConsumerGroups.PROCESSOR;

  public static final String STATE_DIR = "TM_STREAMS_STATE_DIR";
  public static final String COMMIT_INTERVAL = "TM_STREAMS_COMMIT_INTERVAL";
  public static final String REPLICATION_FACTOR = "TM_STREAMS_REPLICATION_FACTOR";
  public static final String STREAM_THREADS = "TM_STREAMS_THREADS";
  public static final String MAX_REVISION_JUMP = "TM_STREAMS_MAX_REVISION_JUMP";

  // Under exactly-once, output becomes visible to read_committed consumers only when the
  // transaction commits, so the commit interval is the floor of the pipeline's propagation latency
  // (a deactivated route stops resolving no sooner). Kafka Streams' own default under exactly-once
  // is 100 ms. Each commit blocks the stream thread for the producer's flush, the offsets and the
  // end of the transaction, so shorter is not always faster. Measured on 2 cores with the whole
  // pipeline warm and writes at 100/s, from route-events to route-changes: p50 70 ms at 100 ms,
  // 27-30 ms at 30 ms, 24-33 ms at 15 ms, whose p99 and CPU were worse than at 30 ms. The price of
  // 30 ms against 100 ms: +13 % CPU for the JVM running everything; writes shed at 500/s did not
  // grow.
  static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(30);

  // -1 lets the broker decide (default.replication.factor): 1 on a local single broker, the
  // cluster's policy in production, with no second place to keep them in step.
  static final int BROKER_DEFAULT_REPLICATION = -1;

  public ProcessorConfig {
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(applicationId, "applicationId");
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(commitInterval, "commitInterval");
  }

  public static ProcessorConfig from(Settings settings) {
    KafkaSettings kafka = KafkaSettings.from(settings);
    Duration commitInterval = settings.duration(COMMIT_INTERVAL, DEFAULT_COMMIT_INTERVAL);
    if (commitInterval.isZero()) {
      throw new InvalidSettingException(
          COMMIT_INTERVAL, settings.string(COMMIT_INTERVAL, ""), "expected a positive duration");
    }
    int replicationFactor =
        settings.integer(REPLICATION_FACTOR, BROKER_DEFAULT_REPLICATION, -1, Short.MAX_VALUE);
    if (replicationFactor == 0) {
      throw new InvalidSettingException(
          REPLICATION_FACTOR, "0", "expected -1 (the broker's default) or at least 1");
    }
    return new ProcessorConfig(
        kafka,
        kafka.groupId(APPLICATION_ID_BASE),
        Path.of(
            settings.string(
                STATE_DIR,
                Path.of(System.getProperty("java.io.tmpdir"), "traffic-manager-streams")
                    .toString())),
        commitInterval,
        replicationFactor,
        settings.integer(STREAM_THREADS, 1, 1, 64),
        settings.integer(
            MAX_REVISION_JUMP,
            (int) RouteTopology.DEFAULT_MAX_REVISION_JUMP,
            1,
            Integer.MAX_VALUE));
  }

  /** The properties to construct {@code KafkaStreams} with; a fresh copy on every call. */
  public Properties streamsProperties() {
    Properties props = new Properties();
    props.putAll(kafka.clientProperties(applicationId));
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval.toMillis());
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, replicationFactor);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads);
    // No default serdes on purpose: the topology passes every serde explicitly, and a step that
    // forgot one fails at start-up instead of writing bytes in some other format.
    return props;
  }
}
