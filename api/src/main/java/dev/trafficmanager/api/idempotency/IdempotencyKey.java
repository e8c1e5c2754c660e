package dev.trafficmanager.api.idempotency;

import dev.trafficmanager.route.InvalidInputException;

/**
 * The value of an {@code Idempotency-Key} header: 1 to 255 visible ASCII characters, so that it
 * fits the table's key and never smuggles control characters into logs.
 */
public record IdempotencyKey(String value) {
  public static final String HEADER = "Idempotency-Key";
  public static final int MAX_LENGTH = 255;

  /** Throws {@link InvalidInputException} naming the header when the value breaks the rule. */
  public IdempotencyKey {
    if (value == null
        || value.isEmpty()
        || value.length() > MAX_LENGTH
        || !value.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
      throw new InvalidInputException(
          HEADER, "must be 1 to " + MAX_LENGTH + " visible ASCII characters");
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
