package dev.trafficmanager.api.routes;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.NoArgGenerator;
import dev.trafficmanager.api.database.Database;
import dev.trafficmanager.api.idempotency.StoredAnswer;
import dev.trafficmanager.api.outbox.ChangeIndex;
import dev.trafficmanager.api.outbox.OutboxStore;
import dev.trafficmanager.event.Action;
import dev.trafficmanager.event.RouteEvent;
import dev.trafficmanager.event.RouteState;
import dev.trafficmanager.route.RouteKey;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies writes to routes. Each write is one transaction: the idempotency key is claimed, the
 * route row is locked, changed and its revision bumped, its event is appended to the outbox and the
 * relay notified, and the answer stored for the key; all commit together or not at all. A write
 * that changes nothing writes nothing and emits no event.
 *
 * <p>Writers to one route serialize on its row lock, so its revisions and events are contiguous. A
 * write that changes its route then takes its tenant's next change index ({@link ChangeIndex}),
 * which the event carries and the outbox row keeps with the route's state before the change. The
 * transaction runs through the database's circuit breaker and retry budget ({@link Database}).
 */
public final class RouteWriter {
  private static final Logger log = LoggerFactory.getLogger(RouteWriter.class);

  private final IdempotentWrites writes;
  private final Clock clock;
  private final Function<WriteOutcome, StoredAnswer> render;
  private final RouteChangeListener changes;
  private final RouteRepository routes = new RouteRepository();
  private final OutboxStore outbox = new OutboxStore();
  // Version 7: ids that grow with time keep the outbox's and the audit log's event_id indexes
  // appending at their right edge instead of touching a random page per insert, and draw no
  // SecureRandom lock per write.
  private final NoArgGenerator eventIds = Generators.timeBasedEpochGenerator();

  /**
   * @param render turns an outcome into the answer the caller receives (and a retry with the same
   *     idempotency key receives again)
   * @param changes told of each change once it is committed
   */
  public RouteWriter(
      Database database,
      Clock clock,
      Function<WriteOutcome, StoredAnswer> render,
      RouteChangeListener changes) {
    this.writes = new IdempotentWrites(database);
    this.clock = clock;
    this.render = render;
    this.changes = changes;
  }

  /**
   * Applies the command, or replays the answer stored for the context's idempotency key.
   *
   * @throws RouteNotFoundException when the command names an unknown route (nothing is written)
   * @throws RouteConflictException when a create names an existing route with another URL
   * @throws VersionInSplitException when a deactivation names a version its split gives traffic
   * @throws dev.trafficmanager.api.idempotency.IdempotencyKeyReusedException when the idempotency
   *     key answered a different request
   */
  public WriteReply write(RouteCommand command, WriteContext context) {
    IdempotentWrites.Committed<RouteEvent> committed =
        writes.write(
            command.key().tenant(),
            context,
            handle -> {
              Applied applied = apply(handle, command, context);
              return new IdempotentWrites.Applied<>(
                  render.apply(applied.outcome()), applied.outcome().effect(), applied.event());
            });
    committed
        .event()
        .ifPresent(
            event -> {
              // DEBUG: at thousands of writes a second a line each would cost more than the
              // write; the audit log keeps every change with its actor and correlation id.
              log.debug(
                  "event=route_written action={} route_key={} revision={} actor={} event_id={}",
                  event.action().wireName(),
                  event.routeKey(),
                  event.revision(),
                  event.actor(),
                  event.eventId());
              changes.committed(event.routeKey(), event.revision());
            });
    return committed.reply();
  }

  private Applied apply(Handle handle, RouteCommand command, WriteContext context) {
    // PostgreSQL keeps microseconds: the event's occurred_at then equals the stored updated_at.
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    if (command instanceof CreateRoute create) {
      return create(handle, create, now, context);
    }
    if (command instanceof SetActivation activation) {
      return change(
          handle, activation.key(), null, activation.active(), activation.action(), now, context);
    }
    if (command instanceof ChangeUrl change) {
      return change(handle, change.key(), change.url(), null, Action.URL_CHANGED, now, context);
    }
    throw new IllegalArgumentException("unknown route command " + command.getClass().getName());
  }

  private Applied create(Handle handle, CreateRoute create, Instant now, WriteContext context) {
    // Inserting first makes two racing creates safe: the loser waits on the winner's row, then
    // compares against it under the lock.
    Optional<Route> inserted = routes.insertIfAbsent(handle, create.key(), create.url(), now);
    if (inserted.isPresent()) {
      RouteEvent event = emit(handle, Action.CREATED, inserted.get(), null, now, context);
      return new Applied(
          new WriteOutcome(inserted.get(), WriteOutcome.Effect.CREATED), Optional.of(event));
    }
    Route existing = lockExisting(handle, create.key());
    if (!existing.url().equals(create.url())) {
      throw new RouteConflictException(create.key());
    }
    return Applied.unchanged(existing);
  }

  /** Changes the route in one statement, or reads what it is when there is nothing to change. */
  private Applied change(
      Handle handle,
      RouteKey key,
      String url,
      Boolean active,
      Action action,
      Instant now,
      WriteContext context) {
    Optional<RouteRepository.Changed> updated =
        routes.changeIfDifferent(handle, key, url, active, now);
    if (updated.isEmpty()) {
      Route current = routes.find(handle, key).orElseThrow(() -> new RouteNotFoundException(key));
      return Applied.unchanged(current);
    }
    Route route = updated.get().route();
    if (Boolean.FALSE.equals(active)) {
      // After the route's row lock: a split write that names this version locks the row (FOR
      // SHARE) before it writes the split, so either it saw the route inactive, or it committed
      // before this read.
      OptionalInt weight = routes.splitWeight(handle, key);
      if (weight.isPresent()) {
        throw new VersionInSplitException(key, weight.getAsInt());
      }
    }
    RouteEvent event = emit(handle, action, route, updated.get().previous(), now, context);
    return new Applied(new WriteOutcome(route, WriteOutcome.Effect.CHANGED), Optional.of(event));
  }

  private Route lockExisting(Handle handle, RouteKey key) {
    return routes.lock(handle, key).orElseThrow(() -> new RouteNotFoundException(key));
  }

  /**
   * Appends the event with the route's state before ({@code previous}, null for a create), at the
   * tenant's next change index: after the route's row lock, as {@link ChangeIndex} requires.
   */
  private RouteEvent emit(
      Handle handle,
      Action action,
      Route route,
      RouteState previous,
      Instant now,
      WriteContext context) {
    return outbox.append(
        handle,
        RouteEvent.of(
            eventIds.generate(),
            action,
            route.state(),
            now,
            context.actor(),
            context.correlationId()),
        previous);
  }

  private record Applied(WriteOutcome outcome, Optional<RouteEvent> event) {
    static Applied unchanged(Route route) {
      return new Applied(new WriteOutcome(route, WriteOutcome.Effect.UNCHANGED), Optional.empty());
    }
  }
}
