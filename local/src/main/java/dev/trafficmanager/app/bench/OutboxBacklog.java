package dev.trafficmanager.app.bench;

import dev.trafficmanager.api.outbox.OutboxStore;
import dev.trafficmanager.database.DatabaseSettings;
import dev.trafficmanager.event.Action;
import dev.trafficmanager.event.RouteEvent;
import dev.trafficmanager.event.RouteState;
import dev.trafficmanager.route.RouteKey;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * {@code drain}: makes an outbox backlog in one transaction and times the running relay publishing
 * it. The backlog is what writes would have left behind: for each of the run's routes, a {@code
 * routes} row at its last revision and one outbox row per revision (1 {@code created}, then {@code
 * url_changed}), so PostgreSQL, the event log, the processor's state and the consumers' effects all
 * agree afterwards, as if the writes had gone through the API. Rows of different routes are
 * interleaved, as concurrent writers would leave them.
 *
 * <p>The clock starts when the transaction commits (its NOTIFY wakes the relay) and stops when none
 * of these rows is pending any more; the count is polled every {@value #POLL_MILLIS} ms.
 */
final class OutboxBacklog {
  static final String ENV = "drain";
  private static final long POLL_MILLIS = 20;
  private static final int BATCH = 1_000;
  private static final String ACTOR = "bench";

  private final DatabaseSettings database;
  private final OutboxStore outbox = new OutboxStore();

  OutboxBacklog(DatabaseSettings database) {
    this.database = database;
  }

  /** The routes a backlog of {@code rows} rows over at most {@code maxRoutes} routes uses. */
  static List<RouteKey> routes(String tenant, long rows, int maxRoutes) {
    int count = (int) Math.min(rows, maxRoutes);
    List<RouteKey> routes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      routes.add(new RouteKey(tenant, CreateScenario.SERVICE, ENV, "r" + i));
    }
    return routes;
  }

  /**
   * Writes {@code rows} rows over {@code routes} (new routes: no row of theirs may exist yet) and
   * waits, up to {@code timeout}, for the relay to publish them.
   */
  DrainResult drain(List<RouteKey> routes, long rows, Duration timeout, BooleanSupplier stopped)
      throws SQLException, InterruptedException {
    try (Connection connection =
        DriverManager.getConnection(database.url(), database.user(), database.password())) {
      connection.setAutoCommit(false);
      long insertStart = System.nanoTime();
      List<Long> ids = insert(connection, routes, rows);
      double insertSeconds = (System.nanoTime() - insertStart) / 1e9;
      long start = System.nanoTime();
      connection.commit();
      connection.setAutoCommit(true);
      long deadline = start + timeout.toNanos();
      long first = ids.get(0);
      long last = ids.get(ids.size() - 1);
      long pending;
      while ((pending = outbox.pendingBetween(connection, first, last)) > 0
          && System.nanoTime() - deadline < 0
          && !stopped.getAsBoolean()) {
        TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      boolean drained = pending == 0;
      return new DrainResult(
          rows,
          routes.size(),
          insertSeconds,
          drained,
          pending,
          seconds,
          drained && seconds > 0 ? rows / seconds : 0);
    }
  }

  /** Inserts the rows and the routes; answers the outbox ids written, in order. */
  private List<Long> insert(Connection connection, List<RouteKey> routes, long rows)
      throws SQLException {
    int n = routes.size();
    long[] revisions = new long[n];
    Instant now = Instant.now();
    List<Long> ids = new ArrayList<>((int) rows);
    List<RouteEvent> batch = new ArrayList<>(BATCH);
    for (long row = 0; row < rows; row++) {
      int index = (int) (row % n);
      batch.add(event(routes.get(index), ++revisions[index], now));
      if (batch.size() == BATCH || row + 1 == rows) {
        ids.addAll(outbox.appendAll(connection, batch));
        batch.clear();
      }
    }
    try (PreparedStatement route =
        connection.prepareStatement(
            "INSERT INTO routes (tenant, service, env, version, url, active, revision,"
                + " created_at, updated_at) VALUES (?, ?, ?, ?, ?, true, ?, ?, ?)")) {
      Timestamp at = Timestamp.from(now);
      for (int i = 0; i < n; i++) {
        RouteKey key = routes.get(i);
        route.setString(1, key.tenant());
        route.setString(2, key.service());
        route.setString(3, key.env());
        route.setString(4, key.version());
        route.setString(5, url(key, revisions[i]));
        route.setLong(6, revisions[i]);
        route.setTimestamp(7, at);
        route.setTimestamp(8, at);
        route.addBatch();
      }
      route.executeBatch();
    }
    return ids;
  }

  private static RouteEvent event(RouteKey route, long revision, Instant at) {
    RouteState state =
        new RouteState(
            route.tenant(),
            route.service(),
            route.env(),
            route.version(),
            url(route, revision),
            true,
            revision,
            at);
    return RouteEvent.of(
        UUID.randomUUID(),
        revision == 1 ? Action.CREATED : Action.URL_CHANGED,
        state,
        at,
        ACTOR,
        "bench-drain-" + route.tenant());
  }

  private static String url(RouteKey route, long revision) {
    return WriteScenario.BASE_URL + "/" + route.version() + "/d" + revision;
  }
}
