package dev.trafficmanager.api.routes;

import dev.trafficmanager.api.idempotency.StoredAnswer;

/**
 * The answer to a write. {@code replayed} is true when it is the stored answer of an earlier
 * request with the same idempotency key, in which case nothing was written now.
 */
public record WriteReply(StoredAnswer answer, boolean replayed) {}
