package dev.trafficmanager.api.idempotency;

/** An idempotency key already answered a different request (another method, path or body). */
public final class IdempotencyKeyReusedException extends RuntimeException {
  public IdempotencyKeyReusedException(IdempotencyKey key) {
    super(IdempotencyKey.HEADER + " " + key + " was already used for a different request");
  }
}
