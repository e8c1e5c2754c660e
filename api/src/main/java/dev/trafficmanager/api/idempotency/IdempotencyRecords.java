package dev.trafficmanager.api.idempotency;

import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The {@code idempotency_keys} table, used inside the transaction of the write it guards: a key is
 * claimed before the write and completed with its answer after it, so the key, the write and its
 * event commit or roll back together.
 */
public final class IdempotencyRecords {
  /**
   * A claimed key holds this status until the write's answer replaces it in the same transaction.
   */
  private static final int CLAIMED = 0;

  /**
   * Claims the key for this request, or returns the answer stored by the earlier request that
   * claimed it. A concurrent request holding the key makes this wait for its transaction, so the
   * earlier answer is always complete when seen.
   *
   * @throws IdempotencyKeyReusedException when the key was used for a different request
   */
  public Optional<StoredAnswer> claim(Handle handle, IdempotentRequest request) {
    // Loops only if the earlier row vanished between the two statements (deleted by retention).
    while (true) {
      int inserted =
          handle
              .createUpdate(
                  "INSERT INTO idempotency_keys"
                      + " (idempotency_key, request_hash, status, response_body)"
                      + " VALUES (:key, :hash, :status, '')"
                      + " ON CONFLICT (idempotency_key) DO NOTHING")
              .bind("key", request.key().value())
              .bind("hash", request.fingerprint())
              .bind("status", CLAIMED)
              .execute();
      if (inserted == 1) {
        return Optional.empty();
      }
      Optional<Stored> stored =
          handle
              .createQuery(
                  "SELECT request_hash, status, response_body FROM idempotency_keys"
                      + " WHERE idempotency_key = :key")
              .bind("key", request.key().value())
              .map(
                  (rs, ctx) ->
                      new Stored(
                          rs.getString("request_hash"),
                          new StoredAnswer(rs.getInt("status"), rs.getString("response_body"))))
              .findOne();
      if (stored.isPresent()) {
        if (!stored.get().fingerprint().equals(request.fingerprint())) {
          throw new IdempotencyKeyReusedException(request.key());
        }
        return Optional.of(stored.get().answer());
      }
    }
  }

  /** Stores the answer of the write that claimed the key. */
  public void complete(Handle handle, IdempotencyKey key, StoredAnswer answer) {
    handle
        .createUpdate(
            "UPDATE idempotency_keys SET status = :status, response_body = :body"
                + " WHERE idempotency_key = :key")
        .bind("key", key.value())
        .bind("status", answer.status())
        .bind("body", answer.body())
        .execute();
  }

  private record Stored(String fingerprint, StoredAnswer answer) {}
}
