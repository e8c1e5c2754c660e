package dev.trafficmanager.api.splits;

import dev.trafficmanager.split.SplitKey;

/** A read or delete names a split that does not exist (or was deleted). */
public final class SplitNotFoundException extends RuntimeException {
  public SplitNotFoundException(SplitKey key) {
    super("split " + key + " does not exist");
  }
}
