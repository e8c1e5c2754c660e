package dev.trafficmanager.api.splits;

import dev.trafficmanager.split.SplitKey;
import java.util.List;

/**
 * A split names versions that do not exist or are not active: refused (409) with nothing written,
 * naming each of them.
 */
public final class SplitConflictException extends RuntimeException {
  public SplitConflictException(SplitKey key, List<String> unknown, List<String> inactive) {
    super(message(key, unknown, inactive));
  }

  private static String message(SplitKey key, List<String> unknown, List<String> inactive) {
    StringBuilder text = new StringBuilder("split " + key + " names");
    if (!unknown.isEmpty()) {
      text.append(" versions that do not exist: ").append(String.join(", ", unknown));
    }
    if (!inactive.isEmpty()) {
      text.append(unknown.isEmpty() ? "" : ";")
          .append(" versions that are not active: ")
          .append(String.join(", ", inactive));
    }
    return text.toString();
  }
}
