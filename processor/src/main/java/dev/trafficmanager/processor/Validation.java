package dev.trafficmanager.processor;

import dev.trafficmanager.event.RouteEvent;

/**
 * What the "validate" step concluded about one input record: the parsed event, or why it was
 * refused together with the bytes as they arrived (which are what the DLQ keeps).
 */
// Never compared or hashed: the array only carries the bytes to the DLQ.
@SuppressWarnings("ArrayRecordComponent")
record Validation(RouteEvent event, byte[] original, RuntimeException error) {
  static Validation valid(RouteEvent event, byte[] original) {
    return new Validation(event, original, null);
  }

  static Validation invalid(byte[] original, RuntimeException error) {
    return new Validation(null, original, error);
  }

  boolean isValid() {
    return error == null;
  }
}
