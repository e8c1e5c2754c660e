package dev.trafficmanager.processor;

import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.StreamsMetrics;

/**
 * The counters the route pipeline adds to the Kafka Streams client metrics ({@code
 * KafkaStreams#metrics()}, and so JMX and any registry bound to it). Each counter is a pair of
 * metrics, {@code <name>-total} (cumulative count) and {@code <name>-rate} (per second), in group
 * {@value #GROUP} with tags {@code thread-id} and {@value #STEP_TAG} (the step that counts it,
 * {@code validate} or {@code dedupe}). Recorded at the INFO recording level, so on by default.
 */
public final class PipelineMetrics {
  /** The custom-metrics scope; Kafka Streams derives the group and the step tag from it. */
  public static final String SCOPE = "route-pipeline";

  public static final String GROUP = "stream-" + SCOPE + "-metrics";
  public static final String STEP_TAG = SCOPE + "-id";

  /** Events refused by "validate" (unparsable or breaking the contract) and sent to the DLQ. */
  public static final String INVALID_EVENTS = "invalid-events";

  /** Revisions at or below the applied one (redeliveries, out-of-order) dropped by "dedupe". */
  public static final String STALE_REVISIONS_DROPPED = "stale-revisions-dropped";

  /** Revisions more than one ahead of the applied one: applied, but revisions were lost. */
  public static final String REVISION_GAPS = "revision-gaps";

  /**
   * Revisions too far ahead of the applied one to be believed (a poisoned event), sent to the DLQ
   * by "dedupe" instead of being applied.
   */
  public static final String REVISION_JUMPS_REFUSED = "revision-jumps-refused";

  private PipelineMetrics() {}

  static Sensor invalidEvents(StreamsMetrics metrics) {
    return counter(metrics, "validate", INVALID_EVENTS);
  }

  static Sensor staleRevisionsDropped(StreamsMetrics metrics) {
    return counter(metrics, "dedupe", STALE_REVISIONS_DROPPED);
  }

  static Sensor revisionGaps(StreamsMetrics metrics) {
    return counter(metrics, "dedupe", REVISION_GAPS);
  }

  static Sensor revisionJumpsRefused(StreamsMetrics metrics) {
    return counter(metrics, "dedupe", REVISION_JUMPS_REFUSED);
  }

  // Kafka Streams keeps one such sensor per stream thread and returns the existing one when a
  // second task on the thread asks for it, so every task may call this from init().
  private static Sensor counter(StreamsMetrics metrics, String step, String name) {
    return metrics.addRateTotalSensor(SCOPE, step, name, Sensor.RecordingLevel.INFO);
  }
}
