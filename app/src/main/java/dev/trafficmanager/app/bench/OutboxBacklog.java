package dev.trafficmanager.app.bench;

import dev.trafficmanager.config.DatabaseSettings;
import dev.trafficmanager.event.Action;
import dev.trafficmanager.event.JsonSerde;
import dev.trafficmanager.event.RouteEvent;
import dev.trafficmanager.event.RouteState;
import dev.trafficmanager.route.RouteKey;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
  private final JsonSerde<RouteEvent> serde = new JsonSerde<>(RouteEvent.class);

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
      long[] ids = insert(connection, routes, rows);
      double insertSeconds = (System.nanoTime() - insertStart) / 1e9;
      try (PreparedStatement notify =
          connection.prepareStatement("SELECT pg_notify('outbox','')")) {
        notify.execute();
      }
      long start = System.nanoTime();
      connection.commit();
      connection.setAutoCommit(true);
      long deadline = start + timeout.toNanos();
      long pending;
      try (PreparedStatement count =
          connection.prepareStatement(
              "SELECT count(*) FROM outbox WHERE id BETWEEN ? AND ? AND published_at IS NULL")) {
        count.setLong(1, ids[0]);
        count.setLong(2, ids[1]);
        while ((pending = count(count)) > 0
            && System.nanoTime() - deadline < 0
            && !stopped.getAsBoolean()) {
          TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        }
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

  /** Inserts the rows and the routes; answers the first and last outbox id written. */
  private long[] insert(Connection connection, List<RouteKey> routes, long rows)
      throws SQLException {
    int n = routes.size();
    long[] revisions = new long[n];
    Instant now = Instant.now();
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    try (PreparedStatement outbox =
        connection.prepareStatement(
            "INSERT INTO outbox (event_id, route_key, revision, event_type, payload,"
                + " correlation_id) VALUES (?, ?, ?, ?, ?, ?)",
            new String[] {"id"})) {
      for (long row = 0; row < rows; row++) {
        int index = (int) (row % n);
        RouteKey route = routes.get(index);
        long revision = ++revisions[index];
        RouteEvent event = event(route, revision, now);
        outbox.setObject(1, event.eventId());
        outbox.setString(2, route.toString());
        outbox.setLong(3, revision);
        outbox.setString(4, event.eventType());
        outbox.setString(5, new String(serde.serialize(null, event), StandardCharsets.UTF_8));
        outbox.setString(6, event.correlationId());
        outbox.addBatch();
        if ((row + 1) % BATCH == 0 || row + 1 == rows) {
          outbox.executeBatch();
          try (ResultSet keys = outbox.getGeneratedKeys()) {
            while (keys.next()) {
              first = Math.min(first, keys.getLong(1));
              last = Math.max(last, keys.getLong(1));
            }
          }
        }
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
    return new long[] {first, last};
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

  private static long count(PreparedStatement count) throws SQLException {
    try (ResultSet result = count.executeQuery()) {
      result.next();
      return result.getLong(1);
    }
  }
}
