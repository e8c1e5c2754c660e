package dev.trafficmanager.app.operate.rebuild;

import dev.trafficmanager.app.operate.offsets.GroupOffsets;
import dev.trafficmanager.app.operate.offsets.OffsetTarget;
import dev.trafficmanager.app.operate.offsets.ResetPlan;
import dev.trafficmanager.app.operate.offsets.TopicSelection;
import dev.trafficmanager.kafka.AdminResults;
import dev.trafficmanager.processor.ProcessorConfig;
import dev.trafficmanager.processor.RouteTopology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;

/**
 * The Kafka Streams application reset of the processor, as Kafka's {@code
 * kafka-streams-application-reset} does it, plus the local state wipe: afterwards the processor
 * starts from nothing and rebuilds {@code route-state} from the whole of {@code route-events}.
 *
 * <ol>
 *   <li>The application's committed offsets on its input, {@code route-events}, go to the earliest
 *       offset (refused while the application's group has members: a running instance would commit
 *       over them, and keeps its state).
 *   <li>Its internal topics, {@code <application.id>-…-changelog} and {@code -repartition}, are
 *       deleted; Kafka Streams creates them again, empty, when the processor starts.
 *   <li>This machine's state directory of the application, {@code
 *       <TM_STREAMS_STATE_DIR>/<application.id>}, is wiped with {@link KafkaStreams#cleanUp()}
 *       (which refuses while an instance holds the directory's lock) and then deleted.
 * </ol>
 *
 * <p>The output topics are left alone: {@code route-changes} and {@code routes} keep what they
 * hold, and the rebuilt processor appends one record per revision still in {@code route-events} to
 * each of them again. Consumers of {@code route-changes} drop revisions they have already applied,
 * and {@code routes} compacts to the same latest states, so the duplicates are harmless; records of
 * {@code route-events} that fail validation land in {@code route-events.dlq} again. Every step can
 * be repeated: a reset that stopped half-way is finished by running it again.
 *
 * <p>The application's group is reset as a consumer group: Kafka Streams' classic rebalance
 * protocol, which {@link ProcessorConfig} keeps (a {@code group.protocol=streams} group would need
 * the Admin API's streams-group calls instead).
 */
public final class StreamsReset {
  private final ProcessorConfig config;
  private final Admin admin;
  private final GroupOffsets offsets;
  private final Duration timeout;

  /**
   * @param admin the caller's client; it stays the caller's to close
   * @param timeout the bound on each Admin call and on waiting for topic deletion
   */
  public StreamsReset(ProcessorConfig config, Admin admin, Duration timeout) {
    this.config = Objects.requireNonNull(config, "config");
    this.admin = Objects.requireNonNull(admin, "admin");
    this.offsets = new GroupOffsets(admin, timeout);
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /** What {@link #execute()} would do now; changes nothing. */
  public Plan plan() {
    ResetPlan inputOffsets =
        offsets.plan(
            config.applicationId(),
            List.of(TopicSelection.all(config.kafka().topics().routeEvents().name())),
            new OffsetTarget.ToEarliest());
    Path localState = localState();
    return new Plan(inputOffsets, internalTopics(), localState, Files.exists(localState));
  }

  /**
   * Resets the input offsets, deletes the internal topics and wipes the local state, in that order.
   *
   * @return the plan it carried out, taken just before
   * @throws dev.trafficmanager.app.operate.offsets.ActiveGroupException if the application has
   *     active members; nothing is changed then
   */
  public Plan execute() {
    Plan plan = plan();
    offsets.apply(plan.inputOffsets());
    deleteTopics(plan.internalTopics());
    wipeLocalState();
    return plan;
  }

  /** This machine's state directory of the application. */
  public Path localState() {
    return config.stateDir().resolve(config.applicationId());
  }

  /** Internal topics are named {@code <application.id>-<store or node>-changelog|-repartition}. */
  private List<String> internalTopics() {
    String prefix = config.applicationId() + "-";
    return get(admin.listTopics().names()).stream()
        .filter(name -> name.startsWith(prefix))
        .filter(name -> name.endsWith("-changelog") || name.endsWith("-repartition"))
        .sorted()
        .toList();
  }

  private void deleteTopics(List<String> topics) {
    if (topics.isEmpty()) {
      return;
    }
    try {
      get(admin.deleteTopics(topics).all());
    } catch (UnknownTopicOrPartitionException e) {
      // Deleted in the meantime: what this step wants.
    }
    // Deletion completes on the brokers after the call returns; a processor started before it has
    // would find the old changelog still there, or fail to create the new one.
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Set<String> remaining = get(admin.listTopics().names());
      if (topics.stream().noneMatch(remaining::contains)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "internal topics still exist " + timeout + " after their deletion: " + topics);
      }
      sleep(Duration.ofMillis(200));
    }
  }

  private void wipeLocalState() {
    // KafkaStreams#cleanUp deletes the application's task directories, and refuses while another
    // instance holds the directory's lock; constructing the client connects to nothing.
    try (KafkaStreams streams =
        new KafkaStreams(
            RouteTopology.build(new StreamsBuilder(), config.kafka().topics()),
            config.streamsProperties())) {
      streams.cleanUp();
    }
    // What it leaves is the lock and process id files of the client just closed; the directory
    // goes too, so that nothing of the application remains on this machine.
    try {
      Utils.delete(localState().toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + localState(), e);
    }
  }

  private <T> T get(KafkaFuture<T> future) {
    return AdminResults.await(future, timeout);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for topic deletion", e);
    }
  }

  /**
   * A reset about to happen.
   *
   * @param inputOffsets the application's offsets on {@code route-events}, moved to the earliest
   * @param internalTopics the changelog and repartition topics to delete
   * @param localState this machine's state directory of the application
   * @param localStateExists whether there is anything to wipe there
   */
  public record Plan(
      ResetPlan inputOffsets,
      List<String> internalTopics,
      Path localState,
      boolean localStateExists) {
    public Plan {
      Objects.requireNonNull(inputOffsets, "inputOffsets");
      internalTopics = List.copyOf(internalTopics);
      Objects.requireNonNull(localState, "localState");
    }

    /** Records of {@code route-events} the rebuilt processor reads: all that the log holds. */
    public long recordsToReprocess() {
      return inputOffsets.partitions().stream().mapToLong(p -> p.logEnd() - p.newOffset()).sum();
    }
  }
}
