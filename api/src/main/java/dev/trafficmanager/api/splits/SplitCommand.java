package dev.trafficmanager.api.splits;

import dev.trafficmanager.split.SplitKey;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Sets a split's weights, or deletes it (no weights). The weights were checked already (whole
 * numbers summing to 100); the writer checks the versions against the routes.
 */
public record SplitCommand(SplitKey key, Map<String, Integer> weights) {
  public SplitCommand {
    Objects.requireNonNull(key, "key");
    weights = Collections.unmodifiableMap(new TreeMap<>(weights));
  }

  public static SplitCommand delete(SplitKey key) {
    return new SplitCommand(key, Map.of());
  }

  public boolean isDelete() {
    return weights.isEmpty();
  }
}
