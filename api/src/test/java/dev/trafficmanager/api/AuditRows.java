package dev.trafficmanager.api;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * Writes {@code audit_log} rows directly, as the audit-log consumer records them: a route's first
 * revision has no previous state.
 */
final class AuditRows {
  private final Jdbi jdbi;

  AuditRows(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /**
   * One revision of {@code tenant/service/prod/v1}.
   *
   * @param previousUrl null for revision 1
   */
  UUID insert(
      String tenant,
      String service,
      long revision,
      String action,
      String previousUrl,
      Boolean previousActive,
      String url,
      boolean active,
      Instant occurredAt) {
    return insert(
        tenant,
        service,
        "prod",
        revision,
        action,
        previousUrl,
        previousActive,
        url,
        active,
        occurredAt);
  }

  /**
   * One revision of {@code tenant/service/env/v1}.
   *
   * @param previousUrl null for revision 1
   */
  UUID insert(
      String tenant,
      String service,
      String env,
      long revision,
      String action,
      String previousUrl,
      Boolean previousActive,
      String url,
      boolean active,
      Instant occurredAt) {
    UUID eventId = UUID.randomUUID();
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "INSERT INTO audit_log (event_id, route_key, tenant, service, env, version,"
                        + " action, previous_url, new_url, previous_active, new_active, revision,"
                        + " actor, correlation_id, occurred_at)"
                        + " VALUES (:event_id, :route_key, :tenant, :service, :env, 'v1',"
                        + " :action, :previous_url, :new_url, :previous_active, :new_active,"
                        + " :revision, 'deploy-bot', :correlation_id, :occurred_at)")
                .bind("event_id", eventId)
                .bind("route_key", tenant + "/" + service + "/" + env + "/v1")
                .bind("tenant", tenant)
                .bind("service", service)
                .bind("env", env)
                .bind("action", action)
                .bind("previous_url", previousUrl)
                .bind("new_url", url)
                .bind("previous_active", previousActive)
                .bind("new_active", active)
                .bind("revision", revision)
                .bind("correlation_id", "corr-" + service + "-" + revision)
                .bind("occurred_at", OffsetDateTime.ofInstant(occurredAt, ZoneOffset.UTC))
                .execute());
    return eventId;
  }
}
