package dev.trafficmanager.consumers.runner;

import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link ConsumerRunner} is doing, as its loop last saw it: a snapshot for health checks,
 * safe to read from any thread.
 *
 * @param assignedPartitions partitions the group gave this consumer
 * @param pausedPartitions of those, how many are paused (waiting for a retry or for the sink)
 * @param retryingPartitions partitions whose next record failed and waits to be tried again
 * @param waitingForSink true while the sink's circuit breaker refuses calls: every partition is
 *     paused and rewound until the breaker lets a probe through
 * @param lagRecords records on the assigned partitions not handled yet, as of the last poll
 * @param failure what broke the loop, when it is {@link Phase#FAILED}
 */
public record RunnerStatus(
    Phase phase,
    int assignedPartitions,
    int pausedPartitions,
    int retryingPartitions,
    boolean waitingForSink,
    long lagRecords,
    Optional<String> failure) {

  /** Where the runner is in its life. */
  public enum Phase {
    /** Built, its loop not yet running. */
    CREATED,
    RUNNING,
    /** Stopped as asked. */
    STOPPED,
    /** Its loop broke down; see {@link RunnerStatus#failure()}. */
    FAILED
  }

  public RunnerStatus {
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(failure, "failure");
  }

  static RunnerStatus created() {
    return new RunnerStatus(Phase.CREATED, 0, 0, 0, false, 0, Optional.empty());
  }

  RunnerStatus in(Phase newPhase) {
    return new RunnerStatus(
        newPhase,
        assignedPartitions,
        pausedPartitions,
        retryingPartitions,
        waitingForSink,
        lagRecords,
        failure);
  }

  RunnerStatus failed(Throwable error) {
    return new RunnerStatus(
        Phase.FAILED,
        assignedPartitions,
        pausedPartitions,
        retryingPartitions,
        waitingForSink,
        lagRecords,
        Optional.of(error.toString()));
  }
}
