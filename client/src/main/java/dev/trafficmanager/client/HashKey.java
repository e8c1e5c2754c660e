package dev.trafficmanager.client;

import java.util.Objects;

/**
 * What makes a version choice sticky (a user or session id): the same key gets the same version
 * while a service's split stays. A type of its own so that {@code resolve(service, env, version)}
 * and {@code resolve(service, env, HashKey.of(user))} cannot be confused.
 */
public record HashKey(String value) {
  public HashKey {
    Objects.requireNonNull(value, "value");
    if (value.isBlank()) {
      throw new IllegalArgumentException("a hash key must not be blank");
    }
  }

  public static HashKey of(String value) {
    return new HashKey(value);
  }
}
