package dev.trafficmanager.processor;

import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.event.SplitChange;

/**
 * What the "dedupe" step concluded about one valid event that it did not drop: the change it
 * applied (a route's or a split's), or why it refused the event, with the event's bytes for the
 * DLQ.
 */
record Ordering(RouteChange change, SplitChange splitChange, Validation refusal) {
  static Ordering applied(RouteChange change) {
    return new Ordering(change, null, null);
  }

  static Ordering applied(SplitChange change) {
    return new Ordering(null, change, null);
  }

  static Ordering refused(Validation refusal) {
    return new Ordering(null, null, refusal);
  }

  boolean isApplied() {
    return change != null || splitChange != null;
  }

  boolean isSplit() {
    return splitChange != null;
  }
}
