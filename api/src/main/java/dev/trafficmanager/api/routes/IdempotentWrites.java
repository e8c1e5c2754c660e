package dev.trafficmanager.api.routes;

import dev.trafficmanager.api.database.Database;
import dev.trafficmanager.api.idempotency.IdempotencyRecords;
import dev.trafficmanager.api.idempotency.IdempotentRequest;
import dev.trafficmanager.api.idempotency.StoredAnswer;
import java.util.Optional;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;

/**
 * The transaction every write runs in, whatever it writes (a route, a split): the idempotency key
 * is claimed first, the write applied, and its answer stored for the key; all commit together or
 * not at all. A retry with the same key gets the stored answer back and writes nothing.
 */
public final class IdempotentWrites {
  private final Database database;
  private final IdempotencyRecords idempotency = new IdempotencyRecords();

  public IdempotentWrites(Database database) {
    this.database = database;
  }

  /** What one write did in its transaction: the answer, its effect, and the event it emitted. */
  public record Applied<E>(StoredAnswer answer, WriteOutcome.Effect effect, Optional<E> event) {}

  /** The reply to the caller, and the event committed (empty for a replay or no change). */
  public record Committed<E>(WriteReply reply, Optional<E> event) {}

  /**
   * Runs {@code apply} in one transaction under the context's idempotency key, which belongs to
   * {@code tenant}.
   *
   * @throws dev.trafficmanager.api.idempotency.IdempotencyKeyReusedException when the key answered
   *     a different request
   */
  public <E> Committed<E> write(
      String tenant, WriteContext context, Function<Handle, Applied<E>> apply) {
    return database.inTransaction(
        handle -> {
          Optional<IdempotentRequest> idempotent = context.idempotentRequest();
          if (idempotent.isPresent()) {
            Optional<StoredAnswer> earlier = idempotency.claim(handle, tenant, idempotent.get());
            if (earlier.isPresent()) {
              return new Committed<>(
                  new WriteReply(earlier.get(), true, WriteOutcome.Effect.UNCHANGED),
                  Optional.empty());
            }
          }
          Applied<E> applied = apply.apply(handle);
          idempotent.ifPresent(r -> idempotency.complete(handle, tenant, r, applied.answer()));
          return new Committed<>(
              new WriteReply(applied.answer(), false, applied.effect()), applied.event());
        });
  }
}
