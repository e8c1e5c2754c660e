package dev.trafficmanager.processor;

import dev.trafficmanager.event.RouteEvent;
import dev.trafficmanager.event.SplitEvent;

/**
 * What the "validate" step concluded about one input record: the parsed event (a route's, schema
 * version 1, or a split's, schema version 2), or why it was refused together with the bytes as they
 * arrived (which are what the DLQ keeps).
 */
// Never compared or hashed: the array only carries the bytes to the DLQ.
@SuppressWarnings("ArrayRecordComponent")
record Validation(RouteEvent event, SplitEvent split, byte[] original, RuntimeException error) {
  static Validation valid(RouteEvent event, byte[] original) {
    return new Validation(event, null, original, null);
  }

  static Validation valid(SplitEvent split, byte[] original) {
    return new Validation(null, split, original, null);
  }

  static Validation invalid(byte[] original, RuntimeException error) {
    return new Validation(null, null, original, error);
  }

  boolean isValid() {
    return error == null;
  }

  boolean isSplit() {
    return split != null;
  }
}
