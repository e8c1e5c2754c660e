package dev.trafficmanager.api.idempotency;

import java.util.Objects;

/** A write that carries an idempotency key, with the fingerprint of the request it names. */
public record IdempotentRequest(IdempotencyKey key, String fingerprint) {
  public IdempotentRequest {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(fingerprint, "fingerprint");
  }
}
