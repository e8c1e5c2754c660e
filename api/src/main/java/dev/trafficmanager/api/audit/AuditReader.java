package dev.trafficmanager.api.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.trafficmanager.api.database.Database;
import dev.trafficmanager.event.EventJson;
import dev.trafficmanager.route.RouteKey;
import dev.trafficmanager.split.SplitKey;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Reads the audit trail, written by the audit-log consumer: {@code audit_log} (routes) and {@code
 * split_audit_log} (splits), one page at a time with keyset pagination: each page continues below
 * the last entry of the previous one, so a page costs the same however deep it is, and entries
 * recorded meanwhile neither repeat nor shift a page. Every query walks the tables' indexes in
 * order: {@code (tenant, service, env[, version], revision DESC)} for one route's or split's
 * history, {@code (occurred_at DESC, event_id DESC)} with a {@code tenant} or {@code action} prefix
 * for the time-ordered queries (a {@code service} or {@code env} filter is checked on the rows that
 * index walk finds). A time-ordered page reads at most a page from each table, each in index order,
 * and merges the two by {@code (occurred_at, event_id)}, so route and split entries share one order
 * and one cursor. Queries run through the database's circuit breaker and retry budget.
 */
public final class AuditReader {
  // One column list for both tables, so that a time-ordered page is one UNION ALL of the two: a
  // route's row has no weights, a split's no version, URL or activation.
  private static final String ROUTE_COLUMNS =
      "'route' AS kind, event_id, route_key AS entry_key, tenant, service, env, version, action,"
          + " previous_url, previous_active, new_url, new_active,"
          + " CAST(NULL AS text) AS previous_weights, CAST(NULL AS text) AS new_weights,"
          + " revision, actor, correlation_id, occurred_at, processed_at";
  private static final String SPLIT_COLUMNS =
      "'split' AS kind, event_id, split_key AS entry_key, tenant, service, env,"
          + " CAST(NULL AS text) AS version, action, CAST(NULL AS text) AS previous_url,"
          + " CAST(NULL AS boolean) AS previous_active, CAST(NULL AS text) AS new_url,"
          + " CAST(NULL AS boolean) AS new_active, CAST(previous_weights AS text) AS previous_weights,"
          + " CAST(new_weights AS text) AS new_weights,"
          + " revision, actor, correlation_id, occurred_at, processed_at";
  private static final String TIME_ORDER = " ORDER BY occurred_at DESC, event_id DESC";

  private static final ObjectReader WEIGHTS =
      EventJson.newMapper().readerFor(new TypeReference<Map<String, Integer>>() {});

  private final Database database;

  public AuditReader(Database database) {
    this.database = database;
  }

  /** One route's history, newest revision first. */
  public AuditPage history(AuditQuery.RouteHistory query) {
    RouteKey route = query.route();
    return history(
        ROUTE_COLUMNS,
        "audit_log",
        Map.of(
            "tenant", route.tenant(),
            "service", route.service(),
            "env", route.env(),
            "version", route.version()),
        query.limit(),
        query.beforeRevision());
  }

  /** One split's history, newest revision first. */
  public AuditPage history(AuditQuery.SplitHistory query) {
    SplitKey split = query.split();
    return history(
        SPLIT_COLUMNS,
        "split_audit_log",
        Map.of("tenant", split.tenant(), "service", split.service(), "env", split.env()),
        query.limit(),
        query.beforeRevision());
  }

  /**
   * The rows of {@code table} whose columns equal {@code key}, by revision, below {@code before}.
   */
  private AuditPage history(
      String columns, String table, Map<String, String> key, int limit, OptionalLong before) {
    // In name order, so that one kind of history is always the same statement.
    Map<String, String> parts = new TreeMap<>(key);
    StringBuilder sql =
        new StringBuilder("SELECT ")
            .append(columns)
            .append(" FROM ")
            .append(table)
            .append(" WHERE ")
            .append(
                parts.keySet().stream()
                    .map(column -> column + " = :" + column)
                    .collect(Collectors.joining(" AND ")));
    before.ifPresent(r -> sql.append(" AND revision < :before"));
    sql.append(" ORDER BY revision DESC LIMIT :rows");
    return page(
        sql.toString(),
        limit,
        select -> {
          select.bindMap(parts);
          before.ifPresent(r -> select.bind("before", r));
        });
  }

  /**
   * The events of a time window, routes' and splits' together, newest first; only one table is read
   * when the filter's action can match only one.
   */
  public AuditPage window(AuditQuery.TimeWindow query) {
    StringBuilder where = new StringBuilder(" WHERE occurred_at >= :from");
    query.until().ifPresent(u -> where.append(" AND occurred_at < :until"));
    AuditQuery.Filter filter = query.filter();
    filter.tenant().ifPresent(t -> where.append(" AND tenant = :tenant"));
    filter.service().ifPresent(s -> where.append(" AND service = :service"));
    filter.env().ifPresent(e -> where.append(" AND env = :env"));
    filter.action().ifPresent(a -> where.append(" AND action = :action"));
    query
        .after()
        .ifPresent(a -> where.append(" AND (occurred_at, event_id) < (:after_at, :after_id)"));
    List<String> parts = new ArrayList<>(2);
    if (filter.matchesRoutes()) {
      parts.add(windowPart(ROUTE_COLUMNS, "audit_log", where));
    }
    if (filter.matchesSplits()) {
      parts.add(windowPart(SPLIT_COLUMNS, "split_audit_log", where));
    }
    String sql =
        "SELECT * FROM ("
            + String.join(" UNION ALL ", parts)
            + ") AS entries"
            + TIME_ORDER
            + " LIMIT :rows";
    return page(
        sql,
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

  /** A page of one table in time order, to be merged with the other's. */
  private static String windowPart(String columns, String table, CharSequence where) {
    return "(SELECT " + columns + " FROM " + table + where + TIME_ORDER + " LIMIT :rows)";
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
    return "split".equals(rs.getString("kind")) ? splitEntry(rs) : routeEntry(rs);
  }

  private static AuditEntry.Route routeEntry(ResultSet rs) throws SQLException {
    String previousUrl = rs.getString("previous_url");
    boolean previousActive = rs.getBoolean("previous_active");
    AuditEntry.Route.State previous =
        previousUrl == null ? null : new AuditEntry.Route.State(previousUrl, previousActive);
    return new AuditEntry.Route(
        rs.getObject("event_id", UUID.class),
        rs.getString("entry_key"),
        rs.getString("tenant"),
        rs.getString("service"),
        rs.getString("env"),
        rs.getString("version"),
        rs.getString("action"),
        previous,
        new AuditEntry.Route.State(rs.getString("new_url"), rs.getBoolean("new_active")),
        rs.getLong("revision"),
        rs.getString("actor"),
        rs.getString("correlation_id"),
        rs.getObject("occurred_at", OffsetDateTime.class).toInstant(),
        rs.getObject("processed_at", OffsetDateTime.class).toInstant());
  }

  private static AuditEntry.Split splitEntry(ResultSet rs) throws SQLException {
    String previous = rs.getString("previous_weights");
    return new AuditEntry.Split(
        rs.getObject("event_id", UUID.class),
        rs.getString("entry_key"),
        rs.getString("tenant"),
        rs.getString("service"),
        rs.getString("env"),
        rs.getString("action"),
        previous == null ? null : weights(previous),
        weights(rs.getString("new_weights")),
        rs.getLong("revision"),
        rs.getString("actor"),
        rs.getString("correlation_id"),
        rs.getObject("occurred_at", OffsetDateTime.class).toInstant(),
        rs.getObject("processed_at", OffsetDateTime.class).toInstant());
  }

  private static AuditEntry.Split.Weights weights(String json) {
    try {
      return new AuditEntry.Split.Weights(WEIGHTS.readValue(json));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("split_audit_log holds weights it cannot read", e);
    }
  }
}
