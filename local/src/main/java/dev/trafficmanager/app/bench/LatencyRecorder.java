package dev.trafficmanager.app.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Counts the answers of one phase by status, and the requests that got none by reason, and records
 * the latency of the successful (2xx) ones in an HdrHistogram at microsecond resolution with three
 * significant digits. Any number of threads record at once without locking each other out; {@link
 * #result} is taken once they are done.
 */
final class LatencyRecorder {
  private static final int SIGNIFICANT_DIGITS = 3;

  private final Recorder latencies = new Recorder(SIGNIFICANT_DIGITS);
  private final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final LongAdder requests = new LongAdder();

  /** An answer with {@code status}, {@code latencyNanos} after the request was sent. */
  void answered(int status, long latencyNanos) {
    requests.increment();
    statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
    if (PhaseResult.isSuccess(status)) {
      latencies.recordValue(Math.max(0, TimeUnit.NANOSECONDS.toMicros(latencyNanos)));
    }
  }

  /** A request that got no answer, for the reason given. */
  void failed(String reason) {
    requests.increment();
    errors.computeIfAbsent(reason, r -> new LongAdder()).increment();
  }

  /** Requests answered or failed so far. */
  long requests() {
    return requests.sum();
  }

  /** What was recorded, over {@code elapsed}. */
  PhaseResult result(String phase, Duration elapsed) {
    Histogram histogram = latencies.getIntervalHistogram();
    Map<Integer, Long> statusCounts = new HashMap<>();
    statuses.forEach((status, count) -> statusCounts.put(status, count.sum()));
    Map<String, Long> errorCounts = new HashMap<>();
    errors.forEach((reason, count) -> errorCounts.put(reason, count.sum()));
    return PhaseResult.of(
        phase, statusCounts, errorCounts, elapsed, PhaseResult.Latency.of(histogram));
  }
}
