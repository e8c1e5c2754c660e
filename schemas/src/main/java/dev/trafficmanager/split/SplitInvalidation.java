package dev.trafficmanager.split;

import dev.trafficmanager.route.InvalidInputException;
import java.util.Objects;

/**
 * The message the cache-invalidation consumer publishes, on the channel of route invalidations,
 * after a split changed: {@code split:tenant/service/env revision}, e.g. {@code
 * split:acme/checkout/prod 3}. An API instance that reads only route invalidations cannot parse it
 * and clears its whole near cache, which is safe.
 */
public record SplitInvalidation(SplitKey split, long revision) {
  private static final String PREFIX = "split:";
  private static final char SEPARATOR = ' ';

  public SplitInvalidation {
    Objects.requireNonNull(split, "split");
    if (revision < 1) {
      throw new IllegalArgumentException("revision must be positive: " + revision);
    }
  }

  public String toMessage() {
    return PREFIX + split + SEPARATOR + revision;
  }

  /** Whether a message on the channel is a split invalidation (else a route's). */
  public static boolean isSplitMessage(String message) {
    return message != null && message.startsWith(PREFIX);
  }

  /**
   * Reads a message written by {@link #toMessage()}.
   *
   * @throws IllegalArgumentException when the text is not a split key and a positive revision
   */
  public static SplitInvalidation parse(String message) {
    int separator = message == null ? -1 : message.lastIndexOf(SEPARATOR);
    if (!isSplitMessage(message) || separator < PREFIX.length()) {
      throw new IllegalArgumentException("invalidation is not 'split:key revision': " + message);
    }
    try {
      return new SplitInvalidation(
          SplitKey.parse(message.substring(PREFIX.length(), separator)),
          Long.parseLong(message.substring(separator + 1)));
    } catch (InvalidInputException | NumberFormatException e) {
      throw new IllegalArgumentException("invalidation is not 'split:key revision': " + message, e);
    }
  }
}
