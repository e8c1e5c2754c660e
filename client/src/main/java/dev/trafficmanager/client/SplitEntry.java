package dev.trafficmanager.client;

import dev.trafficmanager.split.SplitAssignment;
import java.util.Map;
import java.util.Optional;

/**
 * A split's state at one revision, as listed or as a change left it: its assignment of buckets to
 * versions, or none once deleted. A deleted split is kept as this tombstone, with its revision, so
 * that an older change of it seen again cannot bring it back (a split deleted and set again goes on
 * from the same revisions).
 */
record SplitEntry(SplitName name, Optional<SplitAssignment> assignment, long revision)
    implements ReplicaEntry {

  /**
   * The split with these weights (none: deleted), computed once here rather than on every resolve.
   *
   * @throws IllegalArgumentException when the weights are not a valid split's
   */
  static SplitEntry of(SplitName name, Map<String, Integer> weights, long revision) {
    return new SplitEntry(
        name,
        weights.isEmpty() ? Optional.empty() : Optional.of(SplitAssignment.of(weights)),
        revision);
  }

  boolean deleted() {
    return assignment.isEmpty();
  }
}
