package dev.trafficmanager.api.routes;

import dev.trafficmanager.api.idempotency.StoredAnswer;
import java.util.Objects;

/**
 * The answer to a write. {@code replayed} is true when it is the stored answer of an earlier
 * request with the same idempotency key, in which case nothing was written now and {@code effect}
 * is {@link WriteOutcome.Effect#UNCHANGED}.
 *
 * @param effect what this request did to the route
 */
public record WriteReply(StoredAnswer answer, boolean replayed, WriteOutcome.Effect effect) {
  public WriteReply {
    Objects.requireNonNull(answer, "answer");
    Objects.requireNonNull(effect, "effect");
  }
}
