package dev.trafficmanager.api.splits;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.NoArgGenerator;
import dev.trafficmanager.api.database.Database;
import dev.trafficmanager.api.idempotency.StoredAnswer;
import dev.trafficmanager.api.outbox.OutboxStore;
import dev.trafficmanager.api.routes.IdempotentWrites;
import dev.trafficmanager.api.routes.WriteContext;
import dev.trafficmanager.api.routes.WriteOutcome;
import dev.trafficmanager.api.routes.WriteReply;
import dev.trafficmanager.event.SplitEvent;
import dev.trafficmanager.event.SplitState;
import dev.trafficmanager.split.SplitKey;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.ObjLongConsumer;
import org.jdbi.v3.core.Handle;

/**
 * Applies writes to splits, each in one transaction like a route's ({@link IdempotentWrites}): the
 * named versions' route rows are locked (FOR SHARE) and must all exist and be active, the split row
 * is locked, written and its revision bumped, the tenant's next change index taken and the {@code
 * split_changed} event (schema_version 2) appended to the outbox. A write that changes nothing (the
 * same weights again) writes nothing and emits no event.
 *
 * <p>Locks are taken in the order routes, split, tenant index, the order a deactivation takes them
 * in too (route, then a read of the split), so no two writes wait for each other crosswise.
 */
public final class SplitWriter {
  private final IdempotentWrites writes;
  private final Clock clock;
  private final BiFunction<SplitState, WriteOutcome.Effect, StoredAnswer> render;
  private final ObjLongConsumer<SplitKey> changes;
  private final SplitRepository splits = new SplitRepository();
  private final OutboxStore outbox = new OutboxStore();
  private final NoArgGenerator eventIds = Generators.timeBasedEpochGenerator();

  /**
   * @param render the answer the caller receives (and a retry with the same key receives again)
   * @param changes told of each committed change (split and revision), on the writing thread: the
   *     API drops its own cached copy, so it reads its own writes
   */
  public SplitWriter(
      Database database,
      Clock clock,
      BiFunction<SplitState, WriteOutcome.Effect, StoredAnswer> render,
      ObjLongConsumer<SplitKey> changes) {
    this.writes = new IdempotentWrites(database);
    this.clock = clock;
    this.render = render;
    this.changes = changes;
  }

  /**
   * Sets or deletes the split, or replays the answer stored for the context's idempotency key.
   *
   * @throws SplitConflictException when a named version does not exist or is not active
   * @throws SplitNotFoundException when a delete names a split that does not exist
   */
  public WriteReply write(SplitCommand command, WriteContext context) {
    IdempotentWrites.Committed<SplitEvent> committed =
        writes.write(command.key().tenant(), context, handle -> apply(handle, command, context));
    committed.event().ifPresent(event -> changes.accept(event.splitKey(), event.revision()));
    return committed.reply();
  }

  private IdempotentWrites.Applied<SplitEvent> apply(
      Handle handle, SplitCommand command, WriteContext context) {
    SplitKey key = command.key();
    if (!command.isDelete()) {
      requireActive(handle, key, command.weights());
    }
    // PostgreSQL keeps microseconds: the event's occurred_at then equals the stored updated_at.
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    Optional<SplitState> previous = splits.lock(handle, key);
    if (previous.isEmpty() && !command.isDelete()) {
      Optional<SplitState> inserted = splits.insertIfAbsent(handle, key, command.weights(), now);
      if (inserted.isPresent()) {
        return changed(handle, inserted.get(), null, WriteOutcome.Effect.CREATED, now, context);
      }
      // Another write inserted it meanwhile: it is there to lock now.
      previous = splits.lock(handle, key);
    }
    if (command.isDelete() && previous.map(SplitState::deleted).orElse(true)) {
      throw new SplitNotFoundException(key);
    }
    SplitState before = previous.orElseThrow();
    if (before.weights().equals(command.weights())) {
      return new IdempotentWrites.Applied<>(
          render.apply(before, WriteOutcome.Effect.UNCHANGED),
          WriteOutcome.Effect.UNCHANGED,
          Optional.empty());
    }
    SplitState after = splits.update(handle, key, command.weights(), now);
    return changed(
        handle,
        after,
        before,
        before.deleted() ? WriteOutcome.Effect.CREATED : WriteOutcome.Effect.CHANGED,
        now,
        context);
  }

  private void requireActive(Handle handle, SplitKey key, Map<String, Integer> weights) {
    Map<String, Boolean> active = splits.lockVersions(handle, key, weights.keySet());
    List<String> unknown = new ArrayList<>();
    List<String> inactive = new ArrayList<>();
    for (String version : weights.keySet()) {
      Boolean isActive = active.get(version);
      if (isActive == null) {
        unknown.add(version);
      } else if (!isActive) {
        inactive.add(version);
      }
    }
    if (!unknown.isEmpty() || !inactive.isEmpty()) {
      throw new SplitConflictException(key, unknown, inactive);
    }
  }

  private IdempotentWrites.Applied<SplitEvent> changed(
      Handle handle,
      SplitState state,
      SplitState previous,
      WriteOutcome.Effect effect,
      Instant now,
      WriteContext context) {
    // The outbox takes the tenant's next change index, after the routes' and the split's locks.
    SplitEvent event =
        outbox.append(
            handle,
            SplitEvent.of(
                eventIds.generate(), state, now, context.actor(), context.correlationId()),
            previous);
    return new IdempotentWrites.Applied<>(render.apply(state, effect), effect, Optional.of(event));
  }
}
