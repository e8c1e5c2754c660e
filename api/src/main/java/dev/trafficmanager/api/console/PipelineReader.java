package dev.trafficmanager.api.console;

import dev.trafficmanager.api.outbox.OutboxBacklog;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Reads the {@link PipelineOverview} from Kafka's admin API and this instance's own state. Each
 * read asks the broker afresh (the console polls every few seconds; an operator's view must not be
 * stale), bounded by {@link #TIMEOUT} per question so that Kafka down answers with what is known
 * and why the rest is not.
 */
public final class PipelineReader {
  static final Duration TIMEOUT = Duration.ofSeconds(3);
  static final Duration POLL = Duration.ofMillis(200);

  private final Admin admin;
  private final PipelineStages stages;
  private final Supplier<Optional<OutboxBacklog>> backlog;
  private final Supplier<Map<String, Object>> thisInstance;
  private final GroupProgress progress;
  private final Clock clock;

  PipelineReader(
      Admin admin,
      PipelineStages stages,
      Supplier<Optional<OutboxBacklog>> backlog,
      Supplier<Map<String, Object>> thisInstance,
      GroupProgress progress,
      Clock clock) {
    this.admin = admin;
    this.stages = stages;
    this.backlog = backlog;
    this.thisInstance = thisInstance;
    this.progress = progress;
    this.clock = clock;
  }

  public PipelineOverview read() {
    PipelineOverview.Outbox outbox =
        backlog
            .get()
            .map(b -> new PipelineOverview.Outbox(b.pendingRows(), b.oldestPendingAgeSeconds()))
            .orElse(new PipelineOverview.Outbox(null, null));
    List<PipelineOverview.Group> groups = new ArrayList<>();
    List<PipelineOverview.DeadLetterTopic> deadLetters = new ArrayList<>();
    String kafkaError = null;
    try {
      Map<String, KafkaFuture<ConsumerGroupDescription>> described =
          admin
              .describeConsumerGroups(
                  stages.all().stream().map(PipelineStages.Stage::group).toList())
              .describedGroups();
      for (PipelineStages.Stage stage : stages.all()) {
        Optional<ConsumerGroupDescription> group = ifExists(described.get(stage.group()));
        Optional<Committed> committed = committed(stage.group());
        Optional<GroupProgress.Progress> progressed = progressOf(stage.group(), committed);
        groups.add(
            new PipelineOverview.Group(
                stage.name(),
                stage.group(),
                stage.inputTopic(),
                group
                    .map(g -> g.groupState().toString().toLowerCase(Locale.ROOT))
                    .orElse("not_found"),
                group.map(g -> g.members().size()).orElse(null),
                committed.map(Committed::lag).orElse(null),
                progressed.map(p -> p.kind().wireName()).orElse(null),
                progressed.map(GroupProgress.Progress::since).orElse(null)));
      }
      for (PipelineStages.Stage stage : stages.all()) {
        deadLetters.add(
            new PipelineOverview.DeadLetterTopic(
                stage.deadLetterTopic(), stage.name(), depth(stage.deadLetterTopic())));
      }
    } catch (KafkaUnanswered e) {
      kafkaError = e.getMessage();
      groups.clear();
      deadLetters.clear();
      for (PipelineStages.Stage stage : stages.all()) {
        groups.add(
            new PipelineOverview.Group(
                stage.name(),
                stage.group(),
                stage.inputTopic(),
                "unknown",
                null,
                null,
                null,
                null));
        deadLetters.add(
            new PipelineOverview.DeadLetterTopic(stage.deadLetterTopic(), stage.name(), null));
      }
    }
    return new PipelineOverview(
        clock.instant(), outbox, groups, deadLetters, thisInstance.get(), kafkaError);
  }

  /** A group's description; empty when the broker knows no such group (it never ran). */
  private static Optional<ConsumerGroupDescription> ifExists(
      KafkaFuture<ConsumerGroupDescription> description) {
    try {
      return Optional.of(await(description));
    } catch (KafkaUnanswered e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * A group's committed offsets on its input, the offsets after them (its lag), and of those the
   * ones that may be records it has yet to handle ({@code waiting}). The input topics are written
   * in transactions, so a partition's last offset is usually a commit marker: a consumer never sees
   * it and commits only up to it (the last record's offset + 1), so its lag stays at one per such
   * partition while it is caught up. A record waiting in a committed transaction is followed by its
   * marker, so a partition one offset short of its end has nothing waiting.
   */
  private record Committed(Map<TopicPartition, Long> offsets, long lag, long waiting) {}

  private Optional<GroupProgress.Progress> progressOf(String group, Optional<Committed> committed) {
    if (committed.isEmpty()) {
      progress.forget(group);
      return Optional.empty();
    }
    return Optional.of(
        progress.observe(group, committed.get().offsets(), committed.get().waiting()));
  }

  /** The group's committed offsets and lag; empty before it first committed. */
  private Optional<Committed> committed(String group) {
    Map<TopicPartition, OffsetAndMetadata> committed;
    try {
      committed = await(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
    } catch (KafkaUnanswered e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        return Optional.empty();
      }
      throw e;
    }
    Map<TopicPartition, OffsetAndMetadata> known =
        committed.entrySet().stream()
            .filter(e -> e.getValue() != null)
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    if (known.isEmpty()) {
      return Optional.empty();
    }
    Map<TopicPartition, ListOffsetsResultInfo> ends = offsets(known.keySet(), OffsetSpec.latest());
    long lag = 0;
    long waiting = 0;
    Map<TopicPartition, Long> offsets = new HashMap<>();
    for (Map.Entry<TopicPartition, OffsetAndMetadata> entry : known.entrySet()) {
      offsets.put(entry.getKey(), entry.getValue().offset());
      ListOffsetsResultInfo end = ends.get(entry.getKey());
      if (end != null) {
        long behind = Math.max(0, end.offset() - entry.getValue().offset());
        lag += behind;
        waiting += Math.max(0, behind - 1);
      }
    }
    return Optional.of(new Committed(offsets, lag, waiting));
  }

  /** Records between each partition's first and last offset; null when the topic is missing. */
  private Long depth(String topic) {
    Map<String, TopicDescription> described;
    try {
      described = await(admin.describeTopics(List.of(topic)).allTopicNames());
    } catch (KafkaUnanswered e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return null;
      }
      throw e;
    }
    List<TopicPartition> partitions =
        described.get(topic).partitions().stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
    Map<TopicPartition, ListOffsetsResultInfo> starts = offsets(partitions, OffsetSpec.earliest());
    Map<TopicPartition, ListOffsetsResultInfo> ends = offsets(partitions, OffsetSpec.latest());
    long records = 0;
    for (TopicPartition partition : partitions) {
      records += ends.get(partition).offset() - starts.get(partition).offset();
    }
    return records;
  }

  private Map<TopicPartition, ListOffsetsResultInfo> offsets(
      Collection<TopicPartition> partitions, OffsetSpec spec) {
    Map<TopicPartition, OffsetSpec> asked =
        partitions.stream().collect(Collectors.toMap(p -> p, p -> spec));
    return await(
        admin.listOffsets(asked, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all());
  }

  private static <T> T await(KafkaFuture<T> future) {
    try {
      return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnanswered("interrupted", e);
    } catch (ExecutionException e) {
      throw new KafkaUnanswered(String.valueOf(e.getCause().getMessage()), e.getCause());
    } catch (TimeoutException e) {
      throw new KafkaUnanswered("Kafka did not answer within " + TIMEOUT.toSeconds() + " s", e);
    }
  }

  /** Kafka could not answer a question the overview asked. */
  public static final class KafkaUnanswered extends RuntimeException {
    private static final long serialVersionUID = 1L;

    KafkaUnanswered(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
