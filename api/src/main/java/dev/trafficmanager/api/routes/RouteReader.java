package dev.trafficmanager.api.routes;

import dev.trafficmanager.route.RouteKey;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Reads routes straight from PostgreSQL. */
public final class RouteReader {
  private final Jdbi jdbi;
  private final RouteRepository repository = new RouteRepository();

  public RouteReader(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  public Optional<Route> find(RouteKey key) {
    return jdbi.withHandle(handle -> repository.find(handle, key));
  }

  /** The page the query asks for; walking {@code next} visits every matching route once. */
  public RoutePage page(RouteQuery query) {
    // One row past the limit tells whether another page follows without a count query.
    List<Route> rows = jdbi.withHandle(handle -> repository.page(handle, query, query.limit() + 1));
    if (rows.size() <= query.limit()) {
      return new RoutePage(rows, Optional.empty());
    }
    List<Route> items = rows.subList(0, query.limit());
    return new RoutePage(items, Optional.of(items.get(items.size() - 1).key()));
  }
}
