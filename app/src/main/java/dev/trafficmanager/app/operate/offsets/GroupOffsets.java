package dev.trafficmanager.app.operate.offsets;

import dev.trafficmanager.kafka.AdminResults;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Reads and resets a consumer group's committed offsets through the Admin API, the way {@code
 * kafka-consumer-groups --reset-offsets} does: {@link #plan} computes the new offsets and changes
 * nothing; {@link #apply} commits them, and only while the group has no active members.
 *
 * <p>Offsets are read as a {@code read_committed} consumer sees them (the log end is the last
 * stable offset), since every reader of the pipeline's topics reads committed records only.
 */
public final class GroupOffsets {
  private final Admin admin;
  private final Duration timeout;

  /**
   * @param admin the caller's client; it stays the caller's to close
   * @param timeout the bound on each Admin call
   */
  public GroupOffsets(Admin admin, Duration timeout) {
    this.admin = Objects.requireNonNull(admin, "admin");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /** The group's state and active members; a group the broker does not know has neither. */
  public GroupStatus status(String groupId) {
    ConsumerGroupDescription description;
    try {
      description =
          get(admin.describeConsumerGroups(List.of(groupId)).describedGroups().get(groupId));
    } catch (GroupIdNotFoundException e) {
      return new GroupStatus(groupId, GroupState.DEAD, List.of());
    }
    List<String> members =
        description.members().stream()
            .sorted(Comparator.comparing(MemberDescription::clientId))
            .map(m -> m.clientId() + " on " + m.host() + " (" + m.consumerId() + ")")
            .toList();
    return new GroupStatus(groupId, description.groupState(), members);
  }

  /**
   * The per-partition plan of moving {@code groupId} on the selected topics to {@code target}.
   * Changes nothing.
   *
   * @throws IllegalArgumentException when a topic or a selected partition does not exist
   */
  public ResetPlan plan(String groupId, List<TopicSelection> topics, OffsetTarget target) {
    GroupStatus group = status(groupId);
    List<TopicPartition> partitions = partitions(topics);
    Map<TopicPartition, OffsetAndMetadata> committed = committed(groupId);
    Map<TopicPartition, Long> starts = offsets(partitions, OffsetSpec.earliest());
    Map<TopicPartition, Long> ends = offsets(partitions, OffsetSpec.latest());
    Map<TopicPartition, Long> byTime =
        target instanceof OffsetTarget.ToDatetime at
            ? offsets(partitions, OffsetSpec.forTimestamp(at.at().toEpochMilli()))
            : Map.of();
    List<PartitionReset> resets = new ArrayList<>(partitions.size());
    for (TopicPartition partition : partitions) {
      OffsetAndMetadata commit = committed.get(partition);
      OptionalLong current =
          commit == null ? OptionalLong.empty() : OptionalLong.of(commit.offset());
      long start = starts.get(partition);
      long end = ends.get(partition);
      long wanted = wanted(target, current, start, end, byTime.get(partition));
      long clamped = Math.max(start, Math.min(end, wanted));
      resets.add(new PartitionReset(partition, current, clamped, start, end));
    }
    return new ResetPlan(group, target, resets);
  }

  private static long wanted(
      OffsetTarget target, OptionalLong current, long start, long end, Long byTime) {
    if (target instanceof OffsetTarget.ToOffset offset) {
      return offset.offset();
    }
    if (target instanceof OffsetTarget.ShiftBy shift) {
      try {
        return Math.addExact(current.orElse(start), shift.delta());
      } catch (ArithmeticException e) {
        return shift.delta() > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
      }
    }
    if (target instanceof OffsetTarget.ToDatetime) {
      // -1: no record at or after the time, so there is nothing to read before the end.
      return byTime < 0 ? end : byTime;
    }
    return start;
  }

  /**
   * Commits the plan's new offsets for its group.
   *
   * @throws ActiveGroupException if the group has active members now (checked again, not taken from
   *     the plan), or the broker refuses because one joined in the meantime
   */
  public void apply(ResetPlan plan) {
    String groupId = plan.group().groupId();
    GroupStatus now = status(groupId);
    if (now.hasActiveMembers()) {
      throw new ActiveGroupException(now);
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (PartitionReset reset : plan.partitions()) {
      offsets.put(reset.partition(), new OffsetAndMetadata(reset.newOffset()));
    }
    try {
      get(admin.alterConsumerGroupOffsets(groupId, offsets).all());
    } catch (UnknownMemberIdException | GroupNotEmptyException e) {
      throw new ActiveGroupException(status(groupId));
    }
  }

  /**
   * Every partition of the topic at the offset the spec names, as a {@code read_committed} reader
   * sees them: {@link OffsetSpec#latest()} is the last stable offset.
   *
   * @throws IllegalArgumentException when the topic does not exist
   */
  public Map<TopicPartition, Long> offsets(String topic, OffsetSpec spec) {
    return offsets(partitions(List.of(TopicSelection.all(topic))), spec);
  }

  /** The group's committed offsets; a partition it never committed on is absent. */
  public Map<TopicPartition, Long> committedOffsets(String groupId) {
    Map<TopicPartition, Long> offsets = new HashMap<>();
    committed(groupId).forEach((partition, offset) -> offsets.put(partition, offset.offset()));
    return offsets;
  }

  private List<TopicPartition> partitions(List<TopicSelection> topics) {
    Set<String> names = new TreeSet<>();
    topics.forEach(t -> names.add(t.topic()));
    Map<String, KafkaFuture<TopicDescription>> described =
        admin.describeTopics(names).topicNameValues();
    List<TopicPartition> partitions = new ArrayList<>();
    for (TopicSelection selection : topics) {
      TopicDescription description;
      try {
        description = get(described.get(selection.topic()));
      } catch (UnknownTopicOrPartitionException e) {
        throw new IllegalArgumentException("topic " + selection.topic() + " does not exist");
      }
      Set<Integer> existing = new TreeSet<>();
      description.partitions().stream().map(TopicPartitionInfo::partition).forEach(existing::add);
      Set<Integer> chosen = selection.partitions().isEmpty() ? existing : selection.partitions();
      for (int partition : new TreeSet<>(chosen)) {
        if (!existing.contains(partition)) {
          throw new IllegalArgumentException(
              "topic "
                  + selection.topic()
                  + " has no partition "
                  + partition
                  + "; it has "
                  + existing);
        }
        TopicPartition tp = new TopicPartition(selection.topic(), partition);
        if (!partitions.contains(tp)) {
          partitions.add(tp);
        }
      }
    }
    return partitions;
  }

  private Map<TopicPartition, OffsetAndMetadata> committed(String groupId) {
    try {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          get(admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata());
      // The map holds null for partitions without a committed offset.
      Map<TopicPartition, OffsetAndMetadata> present = new HashMap<>();
      offsets.forEach(
          (partition, offset) -> {
            if (offset != null) {
              present.put(partition, offset);
            }
          });
      return present;
    } catch (GroupIdNotFoundException e) {
      return Map.of();
    }
  }

  private Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec) {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions.forEach(p -> request.put(p, spec));
    Map<TopicPartition, ListOffsetsResultInfo> result =
        get(
            admin
                .listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                .all());
    Map<TopicPartition, Long> offsets = new HashMap<>();
    result.forEach((partition, info) -> offsets.put(partition, info.offset()));
    return offsets;
  }

  private <T> T get(KafkaFuture<T> future) {
    return AdminResults.await(future, timeout);
  }
}
