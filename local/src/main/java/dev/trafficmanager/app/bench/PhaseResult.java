package dev.trafficmanager.app.bench;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What one phase measured: {@code ok} (2xx) answers per second and their latency; every answer by
 * status ({@code shed}: 503, {@code non_2xx}: all but 2xx, shed included); requests without an
 * answer by reason ({@code errors}).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record PhaseResult(
    String phase,
    long requests,
    long ok,
    long shed,
    @JsonProperty("non_2xx") long non2xx,
    long errors,
    Map<String, Long> statuses,
    Map<String, Long> errorReasons,
    double seconds,
    double opsPerSecond,
    Latency latencyMs) {

  static final int SHED = 503;

  static boolean isSuccess(int status) {
    return status >= 200 && status < 300;
  }

  /**
   * @param statuses answers by status, in order
   * @param errorReasons requests without an answer, by reason
   * @param latency of the 2xx answers, null when there were none
   */
  static PhaseResult of(
      String phase,
      Map<Integer, Long> statuses,
      Map<String, Long> errorReasons,
      Duration elapsed,
      Latency latency) {
    long ok = 0;
    long non2xx = 0;
    Map<String, Long> byStatus = new LinkedHashMap<>();
    for (Map.Entry<Integer, Long> entry : new TreeMap<>(statuses).entrySet()) {
      byStatus.put(entry.getKey().toString(), entry.getValue());
      if (isSuccess(entry.getKey())) {
        ok += entry.getValue();
      } else {
        non2xx += entry.getValue();
      }
    }
    long errors = errorReasons.values().stream().mapToLong(Long::longValue).sum();
    double seconds = elapsed.toNanos() / 1e9;
    return new PhaseResult(
        phase,
        ok + non2xx + errors,
        ok,
        statuses.getOrDefault(SHED, 0L),
        non2xx,
        errors,
        byStatus,
        new TreeMap<>(errorReasons),
        seconds,
        seconds > 0 ? ok / seconds : 0,
        latency);
  }

  /**
   * The answers that were not 2xx and the requests without one, {@code shed (503) ×12, 409 ×3,
   * timed out ×1}, or {@code none}.
   */
  String failures() {
    List<String> parts = new ArrayList<>();
    if (shed > 0) {
      parts.add(String.format(Locale.ROOT, "shed (503) ×%,d", shed));
    }
    statuses.forEach(
        (status, count) -> {
          int code = Integer.parseInt(status);
          if (code != SHED && !isSuccess(code)) {
            parts.add(String.format(Locale.ROOT, "%d ×%,d", code, count));
          }
        });
    errorReasons.forEach(
        (reason, count) -> parts.add(String.format(Locale.ROOT, "%s ×%,d", reason, count)));
    return parts.isEmpty() ? "none" : String.join(", ", parts);
  }

  /** Latency percentiles of the 2xx answers, in milliseconds. */
  record Latency(double p50, double p90, double p99, double max, double mean) {

    /** The percentiles of a histogram of microseconds; null when it holds nothing. */
    static Latency of(Histogram micros) {
      if (micros.getTotalCount() == 0) {
        return null;
      }
      return new Latency(
          millis(micros.getValueAtPercentile(50)),
          millis(micros.getValueAtPercentile(90)),
          millis(micros.getValueAtPercentile(99)),
          millis(micros.getMaxValue()),
          millis(micros.getMean()));
    }

    private static double millis(long micros) {
      return micros / 1000.0;
    }

    private static double millis(double micros) {
      return Math.round(micros) / 1000.0;
    }
  }
}
