package dev.trafficmanager.api.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * Tells, from a group's committed offsets and lag as this API instance reads them over time,
 * whether the group is making progress. The broker cannot tell a consumer that paused its
 * partitions (for a retry backoff, or while its sink is down) from one that works: both stay
 * members of a {@code stable} group. What shows from outside is that its committed offsets stand
 * still while records wait; this class remembers each group's last offsets to see that.
 *
 * <p>It remembers one entry per group named at construction and refuses any other, so what it holds
 * is bounded by the deployment's stages, not by what callers pass. Safe for concurrent reads.
 */
final class GroupProgress {
  /** How a group is doing; {@link #wireName()} is its name in the pipeline view. */
  enum Kind {
    /** Records wait, and the offsets moved within the threshold (or were not watched that long). */
    MOVING,
    /** No record waits. */
    IDLE,
    /** Records wait, and the committed offsets have not moved for at least the threshold. */
    STALLED;

    String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * @param since while {@link Kind#STALLED}, when this instance first saw the group with lag at the
   *     offsets it still has; otherwise null
   */
  record Progress(Kind kind, Instant since) {}

  /** Offsets seen last, and since when they stand still with lag (null while idle). */
  private record Seen(Map<TopicPartition, Long> committed, Instant standingSince) {}

  private final Set<String> groups;
  private final Duration stallAfter;
  private final Clock clock;
  private final Map<String, Seen> seen = new HashMap<>();

  GroupProgress(Set<String> groups, Duration stallAfter, Clock clock) {
    this.groups = Set.copyOf(groups);
    this.stallAfter = Objects.requireNonNull(stallAfter, "stallAfter");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Records what was just read of {@code group} and says how it is doing.
   *
   * @param committed the group's committed offset of each of its input partitions
   * @param waiting the records after those offsets that it has yet to handle
   * @throws IllegalArgumentException for a group not named at construction
   */
  synchronized Progress observe(String group, Map<TopicPartition, Long> committed, long waiting) {
    if (!groups.contains(group)) {
      throw new IllegalArgumentException("not a pipeline group: " + group);
    }
    Instant now = clock.instant();
    Seen before = seen.get(group);
    if (waiting == 0) {
      // Standing still with nothing to do is fine; the stall clock starts only once records wait,
      // so a group idle for an hour is not called stalled the moment a record arrives.
      seen.put(group, new Seen(Map.copyOf(committed), null));
      return new Progress(Kind.IDLE, null);
    }
    if (before == null || before.standingSince() == null || !before.committed().equals(committed)) {
      seen.put(group, new Seen(Map.copyOf(committed), now));
      return new Progress(Kind.MOVING, null);
    }
    if (Duration.between(before.standingSince(), now).compareTo(stallAfter) >= 0) {
      return new Progress(Kind.STALLED, before.standingSince());
    }
    return new Progress(Kind.MOVING, null);
  }

  /** Forgets a group whose offsets are gone (deleted, or never committed). */
  synchronized void forget(String group) {
    seen.remove(group);
  }
}
