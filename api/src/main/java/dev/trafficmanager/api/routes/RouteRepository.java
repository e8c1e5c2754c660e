package dev.trafficmanager.api.routes;

import dev.trafficmanager.api.changes.Indexed;
import dev.trafficmanager.api.outbox.ChangeIndex;
import dev.trafficmanager.event.RouteState;
import dev.trafficmanager.route.RouteKey;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
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
   * null {@code url} or {@code active} keeps what the route has. The statement locks the row first
   * (the {@code old} CTE, which waits for another writer and then reads what it committed), so it
   * returns the state it replaced along with the new one, and writers to one route take turns in
   * one round trip.
   *
   * @return the updated route and its state before, or empty when the route is unknown or already
   *     in that state
   */
  Optional<Changed> changeIfDifferent(
      Handle handle, RouteKey key, String url, Boolean active, Instant now) {
    return bindKey(
            handle.createQuery(
                "WITH old AS (SELECT url, active, revision, updated_at FROM routes"
                    + BY_KEY
                    + " FOR UPDATE)"
                    + " UPDATE routes SET url = COALESCE(CAST(:url AS text), routes.url),"
                    + " active = COALESCE(CAST(:active AS boolean), routes.active),"
                    + " revision = routes.revision + 1, updated_at = :now"
                    + " FROM old"
                    + " WHERE routes.tenant = :tenant AND routes.service = :service"
                    + " AND routes.env = :env AND routes.version = :version"
                    + " AND (routes.url, routes.active) IS DISTINCT FROM"
                    + " (COALESCE(CAST(:url AS text), routes.url),"
                    + " COALESCE(CAST(:active AS boolean), routes.active))"
                    + " RETURNING routes.tenant, routes.service, routes.env, routes.version,"
                    + " routes.url, routes.active, routes.revision, routes.created_at,"
                    + " routes.updated_at, old.url AS previous_url,"
                    + " old.active AS previous_active, old.revision AS previous_revision,"
                    + " old.updated_at AS previous_updated_at"),
            key)
        .bind("url", url)
        .bind("active", active)
        .bind("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
        .map(
            (rs, ctx) -> {
              Route route = route(rs, ctx);
              return new Changed(
                  route,
                  new RouteState(
                      route.tenant(),
                      route.service(),
                      route.env(),
                      route.version(),
                      rs.getString("previous_url"),
                      rs.getBoolean("previous_active"),
                      rs.getLong("previous_revision"),
                      rs.getObject("previous_updated_at", OffsetDateTime.class).toInstant()));
            })
        .findOne();
  }

  /**
   * The weight the route's service's split gives its version, when more than zero: a version that
   * carries traffic must stay active.
   */
  OptionalInt splitWeight(Handle handle, RouteKey key) {
    return bindKey(
            handle.createQuery(
                "SELECT CAST(weights ->> :version AS integer) FROM splits"
                    + " WHERE tenant = :tenant AND service = :service AND env = :env"
                    + " AND CAST(weights ->> :version AS integer) > 0"),
            key)
        .mapTo(Integer.class)
        .findOne()
        .map(OptionalInt::of)
        .orElse(OptionalInt.empty());
  }

  /** A route as a write left it, and its state before. */
  record Changed(Route route, RouteState previous) {}

  /**
   * One page of a tenant's routes in (service, env, version) order, after {@code query.after()}
   * when given, and the tenant's change index they are at. The row comparison walks the primary key
   * index. One statement, so one snapshot: the page shows every change up to the index and none
   * after it (see {@link dev.trafficmanager.api.outbox.ChangeIndex}).
   */
  Indexed<List<Route>> page(Handle handle, RouteQuery query, int rows) {
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
        handle
            .createQuery(
                "SELECT i.change_index, r.* FROM "
                    + ChangeIndex.AT_TENANT
                    + " i LEFT JOIN LATERAL ("
                    + sql
                    + ") r ON true ORDER BY r.service, r.env, r.version")
            .bind("tenant", query.tenant())
            .bind("rows", rows);
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
    return indexed(select);
  }

  /** The route, if it exists, and the change index of its tenant it is at (one snapshot). */
  Indexed<Optional<Route>> findIndexed(Handle handle, RouteKey key) {
    Indexed<List<Route>> found =
        indexed(
            bindKey(
                handle.createQuery(
                    "SELECT i.change_index, r.* FROM "
                        + ChangeIndex.AT_TENANT
                        + " i LEFT JOIN routes r ON r.tenant = :tenant AND r.service = :service"
                        + " AND r.env = :env AND r.version = :version"),
                key));
    return new Indexed<>(found.value().stream().findFirst(), found.index());
  }

  private static Indexed<List<Route>> indexed(Query query) {
    long[] index = {0};
    List<Route> routes = new ArrayList<>();
    query
        .map(
            (rs, ctx) -> {
              index[0] = rs.getLong("change_index");
              return rs.getString("tenant") == null ? null : route(rs, ctx);
            })
        .forEach(
            route -> {
              if (route != null) {
                routes.add(route);
              }
            });
    return new Indexed<>(routes, index[0]);
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
