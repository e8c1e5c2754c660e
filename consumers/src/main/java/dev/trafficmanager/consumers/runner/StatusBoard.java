package dev.trafficmanager.consumers.runner;

import dev.trafficmanager.consumers.runner.RunnerStatus.Phase;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The runner's {@link RunnerStatus} and gauges, written by its thread after each poll and read by
 * health checks from any thread.
 */
final class StatusBoard {
  private final Consumer<byte[], byte[]> consumer;
  private final PartitionRetries retries;
  private final ConsumerMetrics metrics;
  private volatile RunnerStatus status = RunnerStatus.created();

  StatusBoard(
      Consumer<byte[], byte[]> consumer, PartitionRetries retries, ConsumerMetrics metrics) {
    this.consumer = consumer;
    this.retries = retries;
    this.metrics = metrics;
  }

  RunnerStatus current() {
    return status;
  }

  void started() {
    status = status.in(Phase.RUNNING);
  }

  /** Reads the consumer's state after a poll; only from the runner's thread. */
  void update() {
    long lag = lag();
    Set<TopicPartition> paused = consumer.paused();
    metrics.lag(lag);
    metrics.paused(!paused.isEmpty());
    status =
        new RunnerStatus(
            Phase.RUNNING,
            consumer.assignment().size(),
            paused.size(),
            retries.size(),
            retries.waitingForSink(),
            lag,
            Optional.empty());
  }

  void stopped() {
    metrics.paused(false);
    RunnerStatus last = status;
    if (last.phase() == Phase.RUNNING) {
      status = last.in(Phase.STOPPED);
    }
  }

  void failed(Throwable error) {
    status = status.failed(error);
  }

  /**
   * The records not handled yet on the assigned partitions: the client's own {@code records-lag}
   * (the high watermark of each partition's last fetch minus its position, rewinds included), which
   * costs no request to the broker. A partition not fetched yet counts as 0.
   */
  private long lag() {
    long total = 0;
    for (TopicPartition partition : consumer.assignment()) {
      total += Math.max(0, consumer.currentLag(partition).orElse(0));
    }
    return total;
  }
}
