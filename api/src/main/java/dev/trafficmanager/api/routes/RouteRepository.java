package dev.trafficmanager.api.routes;

import dev.trafficmanager.route.RouteKey;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;

/** The SQL of the {@code routes} table; every method runs on the caller's handle (transaction). */
final class RouteRepository {
  private static final String COLUMNS =
      "tenant, service, env, version, url, active, revision, created_at, updated_at";
  private static final String BY_KEY =
      " WHERE tenant = :tenant AND service = :service AND env = :env AND version = :version";

  /** Inserts an active route at revision 1, or returns empty if the key exists already. */
  Optional<Route> insertIfAbsent(Handle handle, RouteKey key, String url, Instant now) {
    return bindKey(
            handle.createQuery(
                "INSERT INTO routes ("
                    + COLUMNS
                    + ")"
                    + " VALUES (:tenant, :service, :env, :version, :url, true, 1, :now, :now)"
                    + " ON CONFLICT (tenant, service, env, version) DO NOTHING"
                    + " RETURNING "
                    + COLUMNS),
            key)
        .bind("url", url)
        .bind("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
        .map(RouteRepository::route)
        .findOne();
  }

  /** The route, locked until the transaction ends, so writers to one route take turns. */
  Optional<Route> lock(Handle handle, RouteKey key) {
    return bindKey(
            handle.createQuery("SELECT " + COLUMNS + " FROM routes" + BY_KEY + " FOR UPDATE"), key)
        .map(RouteRepository::route)
        .findOne();
  }

  Optional<Route> find(Handle handle, RouteKey key) {
    return bindKey(handle.createQuery("SELECT " + COLUMNS + " FROM routes" + BY_KEY), key)
        .map(RouteRepository::route)
        .findOne();
  }

  /**
   * Writes the new state and bumps the revision by one, unless the route already has that state. A
   * null {@code url} or {@code active} keeps what the route has. The update takes the row lock
   * itself and, if another writer held it, re-checks the condition on the row that writer
   * committed, so writers to one route take turns in one round trip.
   *
   * @return the updated route, or empty when the route is unknown or already in that state
   */
  Optional<Route> changeIfDifferent(
      Handle handle, RouteKey key, String url, Boolean active, Instant now) {
    return bindKey(
            handle.createQuery(
                "UPDATE routes SET url = COALESCE(CAST(:url AS text), url),"
                    + " active = COALESCE(CAST(:active AS boolean), active),"
                    + " revision = revision + 1, updated_at = :now"
                    + BY_KEY
                    + " AND (url, active) IS DISTINCT FROM"
                    + " (COALESCE(CAST(:url AS text), url), COALESCE(CAST(:active AS boolean), active))"
                    + " RETURNING "
                    + COLUMNS),
            key)
        .bind("url", url)
        .bind("active", active)
        .bind("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
        .map(RouteRepository::route)
        .findOne();
  }

  /**
   * One page of a tenant's routes in (service, env, version) order, after {@code query.after()}
   * when given. The row comparison walks the primary key index.
   */
  List<Route> page(Handle handle, RouteQuery query, int rows) {
    StringBuilder sql =
        new StringBuilder("SELECT " + COLUMNS + " FROM routes WHERE tenant = :tenant");
    query.service().ifPresent(s -> sql.append(" AND service = :service"));
    query.env().ifPresent(e -> sql.append(" AND env = :env"));
    query
        .after()
        .ifPresent(
            a ->
                sql.append(
                    " AND (service, env, version) > (:after_service, :after_env, :after_version)"));
    sql.append(" ORDER BY service, env, version LIMIT :rows");
    Query select =
        handle.createQuery(sql.toString()).bind("tenant", query.tenant()).bind("rows", rows);
    query.service().ifPresent(s -> select.bind("service", s));
    query.env().ifPresent(e -> select.bind("env", e));
    query
        .after()
        .ifPresent(
            a ->
                select
                    .bind("after_service", a.service())
                    .bind("after_env", a.env())
                    .bind("after_version", a.version()));
    return select.map(RouteRepository::route).list();
  }

  private static Query bindKey(Query query, RouteKey key) {
    return query
        .bind("tenant", key.tenant())
        .bind("service", key.service())
        .bind("env", key.env())
        .bind("version", key.version());
  }

  private static Route route(ResultSet rs, StatementContext ctx) throws SQLException {
    return new Route(
        rs.getString("tenant"),
        rs.getString("service"),
        rs.getString("env"),
        rs.getString("version"),
        rs.getString("url"),
        rs.getBoolean("active"),
        rs.getLong("revision"),
        rs.getObject("created_at", OffsetDateTime.class).toInstant(),
        rs.getObject("updated_at", OffsetDateTime.class).toInstant());
  }
}
