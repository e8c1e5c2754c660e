package dev.trafficmanager.api.idempotency;

import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The {@code idempotency_keys} table, used inside the transaction of the write it guards: a key is
 * claimed before the write and completed with its answer after it, so the key, the write and its
 * event commit or roll back together.
 *
 * <p>A key belongs to the tenant of the route it wrote and to the token that sent it: the same key
 * sent for two tenants, or by two tokens, is two keys, so no caller can probe for another's keys or
 * claim them first. The table's key column holds {@code <tenant> <token id>/<key>}, or {@code
 * <tenant>/<key>} while authentication is off; neither a tenant name nor a token id has a space or
 * a {@code /}, and a key has no space, so the parts never run together. (A column of its own would
 * need a migration beside other branches' migrations; the prefix needs none, and a key stored
 * before it simply no longer matches, which costs a retry nothing: creates and state changes are
 * idempotent by nature.)
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
  public Optional<StoredAnswer> claim(Handle handle, String tenant, IdempotentRequest request) {
    String scoped = scoped(tenant, request);
    // Loops only if the earlier row vanished between the two statements (deleted by retention).
    while (true) {
      int inserted =
          handle
              .createUpdate(
                  "INSERT INTO idempotency_keys"
                      + " (idempotency_key, request_hash, status, response_body)"
                      + " VALUES (:key, :hash, :status, '')"
                      + " ON CONFLICT (idempotency_key) DO NOTHING")
              .bind("key", scoped)
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
              .bind("key", scoped)
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

  /** Stores the answer of the write that claimed the request's key for {@code tenant}. */
  public void complete(
      Handle handle, String tenant, IdempotentRequest request, StoredAnswer answer) {
    handle
        .createUpdate(
            "UPDATE idempotency_keys SET status = :status, response_body = :body"
                + " WHERE idempotency_key = :key")
        .bind("key", scoped(tenant, request))
        .bind("status", answer.status())
        .bind("body", answer.body())
        .execute();
  }

  private static String scoped(String tenant, IdempotentRequest request) {
    String owner =
        request.tokenId().isPresent() ? tenant + " " + request.tokenId().getAsLong() : tenant;
    return owner + "/" + request.key().value();
  }

  private record Stored(String fingerprint, StoredAnswer answer) {}
}
