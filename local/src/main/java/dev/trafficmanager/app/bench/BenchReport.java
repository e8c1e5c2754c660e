package dev.trafficmanager.app.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * The outcome of a run, as {@code --json} prints it: what was asked, each phase that ran (null for
 * one that did not), the resolve cache tiers and the ratio of resolve to write throughput (null
 * unless both ran and writes succeeded), and the result of a {@code latency}, {@code drain} or
 * {@code replay} run (null for the others).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record BenchReport(
    String url,
    String tenant,
    String scenario,
    int threads,
    double durationSeconds,
    double warmupSeconds,
    boolean stoppedEarly,
    Routes routes,
    PhaseResult create,
    PhaseResult writes,
    PhaseResult resolve,
    ResolveCache resolveCache,
    Double resolvePerWrite,
    PropagationResult latency,
    DrainResult drain,
    ReplayResult replay) {

  /** The run's routes: asked for, created (and used), deactivated at the end. */
  record Routes(int requested, int created, int deactivated) {}

  static BenchReport of(
      String url,
      String tenant,
      String scenario,
      int threads,
      Duration duration,
      Duration warmup,
      boolean stoppedEarly,
      Routes routes,
      PhaseResult create,
      PhaseResult writes,
      PhaseResult resolve,
      ResolveCache resolveCache) {
    Double ratio =
        writes != null && resolve != null && writes.opsPerSecond() > 0
            ? resolve.opsPerSecond() / writes.opsPerSecond()
            : null;
    return new BenchReport(
        url,
        tenant,
        scenario,
        threads,
        duration.toNanos() / 1e9,
        warmup.toNanos() / 1e9,
        stoppedEarly,
        routes,
        create,
        writes,
        resolve,
        resolveCache,
        ratio,
        null,
        null,
        null);
  }

  /** This report with what a {@code latency}, {@code drain} or {@code replay} run measured. */
  BenchReport with(PropagationResult latency, DrainResult drain, ReplayResult replay) {
    return new BenchReport(
        url,
        tenant,
        scenario,
        threads,
        durationSeconds,
        warmupSeconds,
        stoppedEarly,
        routes,
        create,
        writes,
        resolve,
        resolveCache,
        resolvePerWrite,
        latency,
        drain,
        replay);
  }

  String toJson() {
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("the report is plain data", e);
    }
  }
}
