package dev.trafficmanager.api;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * Writes {@code split_audit_log} rows as the audit-log consumer records them: directly, or from the
 * split events the API appended to the outbox (the consumer's own step, without the broker).
 */
final class SplitAuditRows {
  private final Jdbi jdbi;

  SplitAuditRows(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /**
   * One revision of {@code tenant/service/env}.
   *
   * @param previousWeights JSON, null for revision 1
   */
  UUID insert(
      String tenant,
      String service,
      String env,
      long revision,
      String previousWeights,
      String weights,
      Instant occurredAt) {
    UUID eventId = UUID.randomUUID();
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "INSERT INTO split_audit_log (event_id, split_key, tenant, service, env,"
                        + " action, previous_weights, new_weights, revision, actor,"
                        + " correlation_id, occurred_at)"
                        + " VALUES (:event_id, :split_key, :tenant, :service, :env,"
                        + " 'split_changed', CAST(:previous AS jsonb), CAST(:weights AS jsonb),"
                        + " :revision, 'deploy-bot', :correlation_id, :occurred_at)")
                .bind("event_id", eventId)
                .bind("split_key", tenant + "/" + service + "/" + env)
                .bind("tenant", tenant)
                .bind("service", service)
                .bind("env", env)
                .bind("previous", previousWeights)
                .bind("weights", weights)
                .bind("revision", revision)
                .bind("correlation_id", "corr-" + service + "-split-" + revision)
                .bind("occurred_at", OffsetDateTime.ofInstant(occurredAt, ZoneOffset.UTC))
                .execute());
    return eventId;
  }

  /** Records every split event in the outbox as the audit-log consumer would from its change. */
  void recordOutboxSplitEvents() {
    jdbi.useHandle(
        h ->
            h.execute(
                "INSERT INTO split_audit_log (event_id, split_key, tenant, service, env, action,"
                    + " previous_weights, new_weights, revision, actor, correlation_id,"
                    + " occurred_at)"
                    + " SELECT event_id, route_key, e ->> 'tenant', e ->> 'service', e ->> 'env',"
                    + " e ->> 'action', CAST(previous AS jsonb) -> 'weights', e -> 'weights',"
                    + " revision, e ->> 'actor', correlation_id,"
                    + " CAST(e ->> 'occurred_at' AS timestamptz)"
                    + " FROM (SELECT *, CAST(payload AS jsonb) AS e FROM outbox"
                    + " WHERE event_type = 'split_changed') o ON CONFLICT DO NOTHING"));
  }
}
