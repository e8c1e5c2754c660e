package dev.trafficmanager.api.routes;

import dev.trafficmanager.api.idempotency.IdempotentRequest;
import java.util.Objects;
import java.util.Optional;

/**
 * Who asked for a write and under which correlation id; the idempotency key and request fingerprint
 * when the caller sent one.
 */
public record WriteContext(
    String actor, String correlationId, Optional<IdempotentRequest> idempotentRequest) {
  public WriteContext {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(correlationId, "correlationId");
    Objects.requireNonNull(idempotentRequest, "idempotentRequest");
  }
}
