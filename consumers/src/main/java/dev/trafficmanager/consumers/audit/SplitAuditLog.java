package dev.trafficmanager.consumers.audit;

import dev.trafficmanager.consumers.runner.BatchResult;
import dev.trafficmanager.consumers.runner.NonRetriableException;
import dev.trafficmanager.database.DatabaseFailures;
import dev.trafficmanager.event.JsonSerde;
import dev.trafficmanager.event.SplitChange;
import dev.trafficmanager.event.SplitState;
import dev.trafficmanager.split.SplitKey;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/**
 * Appends split changes to {@code split_audit_log} (migration V7): who changed which split, from
 * which weights to which, at which revision. One insert per change, since splits change rarely;
 * idempotent like {@code audit_log} ({@code event_id}, and {@code (split_key, revision)}, conflicts
 * do nothing). A row the database blames fails as a {@link NonRetriableException}; an outage is
 * returned as it is, for the runner to retry.
 */
final class SplitAuditLog {
  private static final String INSERT =
      """
      INSERT INTO split_audit_log (
          event_id, split_key, tenant, service, env, action, previous_weights, new_weights,
          revision, actor, correlation_id, occurred_at)
      VALUES (:event_id, :split_key, :tenant, :service, :env, :action,
          CAST(:previous AS jsonb) -> 'weights', CAST(:current AS jsonb) -> 'weights',
          :revision, :actor, :correlation_id, :occurred_at)
      ON CONFLICT DO NOTHING
      """;

  private final Jdbi jdbi;
  private final JsonSerde<SplitState> states = new JsonSerde<>(SplitState.class);

  SplitAuditLog(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  BatchResult apply(List<SplitChange> changes) {
    for (int i = 0; i < changes.size(); i++) {
      try {
        insert(changes.get(i));
      } catch (JdbiException e) {
        return BatchResult.failedAt(
            i,
            DatabaseFailures.isRowRejected(e)
                ? new NonRetriableException(
                    "split_audit_log rejected the change: " + e.getMessage(), e)
                : e);
      }
    }
    return BatchResult.all(changes.size());
  }

  private void insert(SplitChange change) {
    SplitKey key = change.key();
    SplitState previous = change.previous();
    jdbi.useHandle(
        handle ->
            handle
                .createUpdate(INSERT)
                .bind("event_id", change.eventId())
                .bind("split_key", key.toString())
                .bind("tenant", key.tenant())
                .bind("service", key.service())
                .bind("env", key.env())
                .bind("action", change.action().wireName())
                .bind("previous", previous == null ? null : json(previous))
                .bind("current", json(change.current()))
                .bind("revision", change.revision())
                .bind("actor", change.actor())
                .bind("correlation_id", change.correlationId())
                .bind("occurred_at", OffsetDateTime.ofInstant(change.occurredAt(), ZoneOffset.UTC))
                .execute());
  }

  private String json(SplitState state) {
    return new String(states.serialize(null, state), StandardCharsets.UTF_8);
  }
}
