package dev.trafficmanager.consumers.runner;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before each poll, pauses exactly the partitions that must wait (a record waiting for its retry,
 * or every partition while the sink refuses calls) and resumes the others, so that the consumer
 * fetches only what it can handle now. Used by the runner's thread only.
 */
final class PauseControl {
  private static final Logger log = LoggerFactory.getLogger(PauseControl.class);

  private final String name;
  private final Consumer<byte[], byte[]> consumer;
  private final Sink sink;
  private final PartitionRetries retries;

  PauseControl(
      String name, Consumer<byte[], byte[]> consumer, Sink sink, PartitionRetries retries) {
    this.name = name;
    this.consumer = consumer;
    this.sink = sink;
    this.retries = retries;
  }

  void reconcile(Instant now) {
    endSinkWaitIfOver();
    Set<TopicPartition> wanted = retries.toPause(consumer.assignment(), now);
    Set<TopicPartition> paused = consumer.paused();
    Set<TopicPartition> toResume = new HashSet<>(paused);
    toResume.removeAll(wanted);
    wanted.removeAll(paused);
    if (!toResume.isEmpty()) {
      consumer.resume(toResume);
    }
    if (!wanted.isEmpty()) {
      consumer.pause(wanted);
    }
  }

  /** How long the next poll may block: at most {@code max}, and not past the next retry due. */
  Duration pollTimeout(Duration max, Instant now) {
    return retries.pollTimeout(max, now);
  }

  private void endSinkWaitIfOver() {
    if (retries.waitingForSink() && sink.letsCallsThrough()) {
      retries.sinkBack();
      log.info(
          "sink lets calls through again, consumer resumes consumer={} sink={} circuit_breaker={}",
          name,
          sink.dependency(),
          sink.breaker().getState());
    }
  }
}
