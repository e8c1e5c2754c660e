package dev.trafficmanager.app.bench;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * What a {@code latency} run measured: the writes offered at a fixed rate (their latency runs from
 * when each was due, and {@code shed_percent} is the share of them answered 503), and for each
 * stage of the pipeline how the acknowledged ones arrived there.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record PropagationResult(
    int offeredPerSecond,
    double graceSeconds,
    PhaseResult writes,
    double shedPercent,
    List<StageResult> stages) {

  static PropagationResult of(
      int offeredPerSecond, double graceSeconds, PhaseResult writes, List<StageResult> stages) {
    double shed = writes.requests() == 0 ? 0 : writes.shed() * 100.0 / writes.requests();
    return new PropagationResult(offeredPerSecond, graceSeconds, writes, shed, stages);
  }
}
