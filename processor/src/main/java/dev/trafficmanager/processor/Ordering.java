package dev.trafficmanager.processor;

import dev.trafficmanager.event.RouteChange;

/**
 * What the "dedupe" step concluded about one valid event that it did not drop: the change it
 * applied, or why it refused the event, with the event's bytes for the DLQ.
 */
record Ordering(RouteChange change, Validation refusal) {
  static Ordering applied(RouteChange change) {
    return new Ordering(change, null);
  }

  static Ordering refused(Validation refusal) {
    return new Ordering(null, refusal);
  }

  boolean isApplied() {
    return change != null;
  }
}
