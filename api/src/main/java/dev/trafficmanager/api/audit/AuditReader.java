package dev.trafficmanager.api.audit;

import dev.trafficmanager.api.database.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Reads the {@code audit_log} table, written by the audit-log consumer, one page at a time with
 * keyset pagination: each page continues below the last entry of the previous one, so a page costs
 * the same however deep it is, and entries recorded meanwhile neither repeat nor shift a page.
 * Every query walks one of the table's indexes in order: {@code (tenant, service, env, version,
 * revision DESC)} for a route's history, {@code (occurred_at DESC, event_id DESC)} with a {@code
 * tenant} or {@code action} prefix for the time-ordered queries (a {@code service} or {@code env}
 * filter is checked on the rows that index walk finds). Queries run through the database's circuit
 * breaker and retry budget.
 */
public final class AuditReader {
  private static final String COLUMNS =
      "event_id, route_key, tenant, service, env, version, action, previous_url, previous_active,"
          + " new_url, new_active, revision, actor, correlation_id, occurred_at, processed_at";

  private final Database database;

  public AuditReader(Database database) {
    this.database = database;
  }

  /** One route's history, newest revision first. */
  public AuditPage history(AuditQuery.RouteHistory query) {
    StringBuilder sql =
        new StringBuilder("SELECT ")
            .append(COLUMNS)
            .append(" FROM audit_log")
            .append(" WHERE tenant = :tenant AND service = :service AND env = :env")
            .append(" AND version = :version");
    query.beforeRevision().ifPresent(r -> sql.append(" AND revision < :before"));
    sql.append(" ORDER BY revision DESC LIMIT :rows");
    return page(
        sql.toString(),
        query.limit(),
        select -> {
          select
              .bind("tenant", query.route().tenant())
              .bind("service", query.route().service())
              .bind("env", query.route().env())
              .bind("version", query.route().version());
          query.beforeRevision().ifPresent(r -> select.bind("before", r));
        });
  }

  /** The events of a time window, newest first. */
  public AuditPage window(AuditQuery.TimeWindow query) {
    StringBuilder sql =
        new StringBuilder("SELECT ")
            .append(COLUMNS)
            .append(" FROM audit_log WHERE occurred_at >= :from");
    query.until().ifPresent(u -> sql.append(" AND occurred_at < :until"));
    AuditQuery.Filter filter = query.filter();
    filter.tenant().ifPresent(t -> sql.append(" AND tenant = :tenant"));
    filter.service().ifPresent(s -> sql.append(" AND service = :service"));
    filter.env().ifPresent(e -> sql.append(" AND env = :env"));
    filter.action().ifPresent(a -> sql.append(" AND action = :action"));
    query
        .after()
        .ifPresent(a -> sql.append(" AND (occurred_at, event_id) < (:after_at, :after_id)"));
    sql.append(" ORDER BY occurred_at DESC, event_id DESC LIMIT :rows");
    return page(
        sql.toString(),
        query.limit(),
        select -> {
          select.bind("from", utc(query.from()));
          query.until().ifPresent(u -> select.bind("until", utc(u)));
          filter.tenant().ifPresent(t -> select.bind("tenant", t));
          filter.service().ifPresent(s -> select.bind("service", s));
          filter.env().ifPresent(e -> select.bind("env", e));
          filter.action().ifPresent(a -> select.bind("action", a.wireName()));
          query
              .after()
              .ifPresent(
                  a -> select.bind("after_at", utc(a.occurredAt())).bind("after_id", a.eventId()));
        });
  }

  private interface Binding {
    void bind(Query select);
  }

  private AuditPage page(String sql, int limit, Binding binding) {
    // One row past the limit tells whether another page follows without a count query.
    List<AuditEntry> rows =
        database.withHandle(
            handle -> {
              Query select = handle.createQuery(sql).bind("rows", limit + 1);
              binding.bind(select);
              return select.map(AuditReader::entry).list();
            });
    return rows.size() <= limit
        ? new AuditPage(rows, false)
        : new AuditPage(rows.subList(0, limit), true);
  }

  private static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  private static AuditEntry entry(ResultSet rs, StatementContext ctx) throws SQLException {
    String previousUrl = rs.getString("previous_url");
    boolean previousActive = rs.getBoolean("previous_active");
    AuditEntry.State previous =
        previousUrl == null ? null : new AuditEntry.State(previousUrl, previousActive);
    return new AuditEntry(
        rs.getObject("event_id", UUID.class),
        rs.getString("route_key"),
        rs.getString("tenant"),
        rs.getString("service"),
        rs.getString("env"),
        rs.getString("version"),
        rs.getString("action"),
        previous,
        new AuditEntry.State(rs.getString("new_url"), rs.getBoolean("new_active")),
        rs.getLong("revision"),
        rs.getString("actor"),
        rs.getString("correlation_id"),
        rs.getObject("occurred_at", OffsetDateTime.class).toInstant(),
        rs.getObject("processed_at", OffsetDateTime.class).toInstant());
  }
}
