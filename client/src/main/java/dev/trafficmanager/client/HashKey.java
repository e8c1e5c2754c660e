package dev.trafficmanager.client;

import java.util.Objects;

/**
 * What makes a version choice sticky (a user or session id): the same key gets the same version
 * while a service's split stays. A type of its own so that {@code resolve(service, env, version)}
 * and {@code resolve(service, env, HashKey.of(user))} cannot be confused.
 *
 * <p>At most 256 characters, as the API takes them: a key the API would refuse is refused here, so
 * that the replica never answers what the API would not.
 */
public record HashKey(String value) {
  private static final int MAX_LENGTH = 256;

  public HashKey {
    Objects.requireNonNull(value, "value");
    if (value.isBlank()) {
      throw new IllegalArgumentException("a hash key must not be blank");
    }
    if (value.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "a hash key must be at most " + MAX_LENGTH + " characters, got " + value.length());
    }
  }

  public static HashKey of(String value) {
    return new HashKey(value);
  }
}
