package dev.trafficmanager.api.idempotency;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * A write that carries an idempotency key, with the fingerprint of the request it names.
 *
 * @param tokenId the id of the token that sent it (empty while authentication is off): a key
 *     belongs to its sender, so that another token, even of the same tenant, can neither replay its
 *     answer nor claim it first
 */
public record IdempotentRequest(IdempotencyKey key, String fingerprint, OptionalLong tokenId) {
  public IdempotentRequest {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(tokenId, "tokenId");
  }
}
