package dev.trafficmanager.consumers.runner;

import java.util.Optional;

/**
 * What a {@link ChangeHandler} did with a batch: the first {@code applied} changes are applied;
 * when {@code failure} is present, the change at index {@code applied} failed with it.
 */
public record BatchResult(int applied, Optional<RuntimeException> failure) {

  public BatchResult {
    if (applied < 0) {
      throw new IllegalArgumentException("applied must not be negative: " + applied);
    }
    if (failure == null) {
      throw new NullPointerException("failure");
    }
  }

  /** Every one of {@code size} changes applied. */
  public static BatchResult all(int size) {
    return new BatchResult(size, Optional.empty());
  }

  /** The changes before {@code index} applied, the one at {@code index} failed. */
  public static BatchResult failedAt(int index, RuntimeException failure) {
    if (failure == null) {
      throw new NullPointerException("failure");
    }
    return new BatchResult(index, Optional.of(failure));
  }

  /** Whether all of a batch of {@code size} changes is applied; checks the result fits it. */
  boolean completes(int size) {
    boolean complete = failure.isEmpty();
    if (complete ? applied != size : applied >= size) {
      throw new IllegalStateException(
          "handler result "
              + this
              + " does not fit a batch of "
              + size
              + ": it must apply all of it, or fail at an index inside it");
    }
    return complete;
  }
}
