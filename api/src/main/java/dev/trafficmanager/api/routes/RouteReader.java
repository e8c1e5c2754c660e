package dev.trafficmanager.api.routes;

import dev.trafficmanager.api.changes.Indexed;
import dev.trafficmanager.api.database.Database;
import dev.trafficmanager.route.RouteKey;
import java.util.List;
import java.util.Optional;

/**
 * Reads routes straight from PostgreSQL, through the database's circuit breaker and retry budget.
 */
public final class RouteReader {
  private final Database database;
  private final RouteRepository repository = new RouteRepository();

  public RouteReader(Database database) {
    this.database = database;
  }

  public Optional<Route> find(RouteKey key) {
    return database.withHandle(handle -> repository.find(handle, key));
  }

  /** The route and the change index of its tenant it is at, read in one snapshot. */
  public Indexed<Optional<Route>> findIndexed(RouteKey key) {
    return database.withHandle(handle -> repository.findIndexed(handle, key));
  }

  /**
   * The page the query asks for, at the tenant's change index it shows; walking {@code next} visits
   * every matching route once (each page at its own index).
   */
  public RoutePage page(RouteQuery query) {
    // One row past the limit tells whether another page follows without a count query.
    Indexed<List<Route>> read =
        database.withHandle(handle -> repository.page(handle, query, query.limit() + 1));
    List<Route> rows = read.value();
    if (rows.size() <= query.limit()) {
      return new RoutePage(rows, Optional.empty(), read.index());
    }
    List<Route> items = rows.subList(0, query.limit());
    return new RoutePage(items, Optional.of(items.get(items.size() - 1).key()), read.index());
  }
}
