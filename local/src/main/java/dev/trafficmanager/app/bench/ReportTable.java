package dev.trafficmanager.app.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Prints a {@link BenchReport} for people: one row per phase, numbers with their units. */
final class ReportTable {
  private static final String ROW = "%-8s %10s %14s %10s %10s %10s %10s   %s%n";
  private static final String STAGE_ROW = "%-14s %8s %8s %10s %10s %10s %10s %10s %10s %10s%n";

  private final PrintWriter out;

  ReportTable(PrintWriter out) {
    this.out = out;
  }

  void print(BenchReport report) {
    out.println();
    if (report.stoppedEarly()) {
      out.println("Stopped early: the phases below were cut short.");
    }
    List<PhaseResult> phases = phases(report);
    if (!phases.isEmpty()) {
      out.printf(Locale.ROOT, ROW, "phase", "ok", "rate", "p50", "p90", "p99", "max", "not ok");
    }
    for (PhaseResult phase : phases) {
      PhaseResult.Latency latency = phase.latencyMs();
      out.printf(
          Locale.ROOT,
          ROW,
          phase.phase(),
          count(phase.ok()),
          rate(phase.opsPerSecond()) + " ops/s",
          latency == null ? "-" : millis(latency.p50()),
          latency == null ? "-" : millis(latency.p90()),
          latency == null ? "-" : millis(latency.p99()),
          latency == null ? "-" : millis(latency.max()),
          phase.failures());
    }
    if (report.resolve() != null) {
      out.println();
      printCache(report.resolveCache());
    }
    if (report.resolvePerWrite() != null) {
      out.printf(
          Locale.ROOT,
          "resolve ÷ writes: %.1f (ops/s of resolve per ops/s of writes)%n",
          report.resolvePerWrite());
    }
    if (report.latency() != null) {
      printLatency(report.latency());
    }
    if (report.drain() != null) {
      printDrain(report.drain());
    }
    if (report.replay() != null) {
      printReplay(report.replay());
    }
    BenchReport.Routes routes = report.routes();
    if (routes == null) {
      return;
    }
    out.printf(
        Locale.ROOT,
        "routes of tenant %s: %s created of %s, %s deactivated%n",
        report.tenant(),
        count(routes.created()),
        count(routes.requested()),
        count(routes.deactivated()));
  }

  private void printLatency(PropagationResult latency) {
    PhaseResult writes = latency.writes();
    PhaseResult.Latency answer = writes.latencyMs();
    out.println();
    out.printf(
        Locale.ROOT,
        "latency: %d writes/s offered, %s answered 2xx (%s ops/s), %.1f %% shed (503);"
            + " answer p50 %s, p99 %s (from when each write was due); not ok: %s%n",
        latency.offeredPerSecond(),
        count(writes.ok()),
        rate(writes.opsPerSecond()),
        latency.shedPercent(),
        answer == null ? "-" : millis(answer.p50()),
        answer == null ? "-" : millis(answer.p99()),
        writes.failures());
    out.printf(
        Locale.ROOT,
        STAGE_ROW,
        "ack →",
        "acked",
        "seen",
        "never seen",
        "duplicates",
        "before ack",
        "p50",
        "p90",
        "p99",
        "max");
    for (StageResult stage : latency.stages()) {
      PhaseResult.Latency l = stage.latencyMs();
      out.printf(
          Locale.ROOT,
          STAGE_ROW,
          stage.stage(),
          count(stage.acknowledged()),
          count(stage.seen()),
          count(stage.neverSeen()),
          count(stage.duplicates()),
          count(stage.arrivedBeforeAck()),
          l == null ? "-" : millis(l.p50()),
          l == null ? "-" : millis(l.p90()),
          l == null ? "-" : millis(l.p99()),
          l == null ? "-" : millis(l.max()));
    }
    out.printf(
        Locale.ROOT,
        "(ack: when the answer's status line and headers reached bench. p50…max: from the ack to"
            + " the first arrival, over the writes that arrived after their ack; before ack: seen"
            + " before it, counted and left out of the percentiles, not taken as 0 ms. never seen:"
            + " not arrived %s after the last write)%n",
        seconds(latency.graceSeconds()));
  }

  private void printDrain(DrainResult drain) {
    out.println();
    out.printf(
        Locale.ROOT,
        "drain: %s outbox rows over %s routes (inserted in %s), %s in %s: %s rows/s%n",
        count(drain.rows()),
        count(drain.routes()),
        seconds(drain.insertSeconds()),
        drain.drained() ? "all published" : count(drain.pending()) + " still pending",
        seconds(drain.seconds()),
        rate(drain.rowsPerSecond()));
  }

  private void printReplay(ReplayResult replay) {
    out.println();
    out.printf(
        Locale.ROOT,
        "replay: %s (group %s) through %s records of %s%s in %s: %s records/s, %s once the"
            + " first were handled (%s handled)%n",
        replay.consumer(),
        replay.group(),
        count(replay.records()),
        replay.topic(),
        replay.caughtUp() ? "" : ", NOT caught up",
        seconds(replay.seconds()),
        rate(replay.recordsPerSecond()),
        rate(replay.steadyRecordsPerSecond()),
        count(replay.processed()));
  }

  private static String seconds(double s) {
    return String.format(Locale.ROOT, "%.2f s", s);
  }

  private static List<PhaseResult> phases(BenchReport report) {
    return Stream.of(report.create(), report.writes(), report.resolve())
        .filter(Objects::nonNull)
        .toList();
  }

  private void printCache(ResolveCache cache) {
    if (cache == null) {
      out.println("resolve cache tiers: not known (/metrics could not be read)");
      return;
    }
    out.println("resolve cache tiers (growth of the API's counters during resolve):");
    printTier("near cache", cache.nearCache(), ResolveCache.NEAR_CACHE_REQUESTS);
    printTier("redis", cache.redis(), ResolveCache.REDIS_REQUESTS);
  }

  private void printTier(String tier, Map<String, Long> results, String counter) {
    if (results == null) {
      out.printf("  %-11s not present (no %s in /metrics)%n", tier, counter);
      return;
    }
    long total = results.values().stream().mapToLong(Long::longValue).sum();
    if (total == 0) {
      out.printf("  %-11s no lookups%n", tier);
      return;
    }
    List<String> shares = new ArrayList<>();
    new TreeMap<>(results)
        .forEach(
            (result, n) ->
                shares.add(String.format(Locale.ROOT, "%s %.1f %%", result, n * 100.0 / total)));
    out.printf(
        Locale.ROOT, "  %-11s %s of %s lookups%n", tier, String.join(", ", shares), count(total));
  }

  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** {@code 12,345} ops/s; below 10, one decimal. */
  static String rate(double perSecond) {
    return String.format(Locale.ROOT, perSecond < 10 ? "%.1f" : "%,.0f", perSecond);
  }

  /** {@code 0.41 ms}, {@code 2.1 ms}, {@code 210 ms}: about two significant digits or more. */
  static String millis(double ms) {
    String format = ms < 1 ? "%.2f ms" : ms < 100 ? "%.1f ms" : "%,.0f ms";
    return String.format(Locale.ROOT, format, ms);
  }
}
