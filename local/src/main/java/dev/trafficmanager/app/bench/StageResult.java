package dev.trafficmanager.app.bench;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * How the acknowledged writes of a {@code latency} run reached one stage: how many were seen, how
 * many never were (within the grace period), how many arrived more than once ({@code duplicates}:
 * arrivals beyond the first), how many were first seen before their acknowledgement ({@code
 * arrived_before_ack}), and the latency from each write's acknowledgement to its first arrival over
 * the others ({@code latency_ms}, null when there are none).
 *
 * <p>A write is committed before the API answers it, so its event can reach a stage before the
 * answer's headers reach this process: those writes are counted, not clamped to a latency of zero,
 * which would drag the percentiles down by however many there are.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record StageResult(
    String stage,
    long acknowledged,
    long seen,
    long neverSeen,
    long duplicates,
    long arrivedBeforeAck,
    PhaseResult.Latency latencyMs) {

  private static final int SIGNIFICANT_DIGITS = 3;

  /**
   * Compares the arrivals at a stage with the acknowledged writes (key to acknowledgement time, on
   * the arrivals' clock).
   */
  static StageResult of(Arrivals arrivals, Map<String, Long> acknowledged) {
    Histogram micros = new Histogram(SIGNIFICANT_DIGITS);
    long seen = 0;
    long duplicates = 0;
    long beforeAck = 0;
    for (Map.Entry<String, Long> write : acknowledged.entrySet()) {
      Arrivals.Seen arrival = arrivals.get(write.getKey());
      if (arrival == null) {
        continue;
      }
      seen++;
      duplicates += arrival.times() - 1;
      long nanos = arrival.firstNanos() - write.getValue();
      if (nanos < 0) {
        beforeAck++;
      } else {
        micros.recordValue(TimeUnit.NANOSECONDS.toMicros(nanos));
      }
    }
    return new StageResult(
        arrivals.stage(),
        acknowledged.size(),
        seen,
        acknowledged.size() - seen,
        duplicates,
        beforeAck,
        PhaseResult.Latency.of(micros));
  }

  /** Whether every acknowledged write has arrived. */
  static boolean allSeen(Arrivals arrivals, Map<String, Long> acknowledged) {
    return acknowledged.keySet().stream().allMatch(key -> arrivals.get(key) != null);
  }
}
