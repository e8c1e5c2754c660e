package dev.trafficmanager.api.outbox;

import dev.trafficmanager.database.DatabaseSettings;
import dev.trafficmanager.database.Migrations;
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
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The outbox table of a test database, written the way the write path writes it (the contract
 * serde's bytes as payload) but without the routes table: the relay reads only the outbox.
 */
final class OutboxTable {
  private static final JsonSerde<RouteEvent> SERDE = new JsonSerde<>(RouteEvent.class);

  private final DatabaseSettings db;

  OutboxTable(DatabaseSettings db) {
    this.db = db;
  }

  /** Creates the schema the way every service does at start. */
  void migrate() {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl(db.url());
    dataSource.setUser(db.user());
    dataSource.setPassword(db.password());
    Migrations.migrate(dataSource);
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(db.url(), db.user(), db.password());
  }

  /** Inserts and commits one row; returns its id. */
  long insert(String routeKey, long revision) throws SQLException {
    try (Connection c = connect()) {
      return insert(c, routeKey, revision, true);
    }
  }

  /** Inserts and commits one row without waking the relay, as if its NOTIFY were lost. */
  long insertWithoutNotify(String routeKey, long revision) throws SQLException {
    try (Connection c = connect()) {
      return insert(c, routeKey, revision, false);
    }
  }

  /** Inserts one row on the given connection, in whatever transaction it has open. */
  long insert(Connection c, String routeKey, long revision) throws SQLException {
    return insert(c, routeKey, revision, true);
  }

  private long insert(Connection c, String routeKey, long revision, boolean notify)
      throws SQLException {
    RouteEvent event = event(routeKey, revision);
    try (PreparedStatement ps =
        c.prepareStatement(
            "WITH appended AS (INSERT INTO outbox (event_id, route_key, revision, event_type,"
                + " payload, correlation_id) VALUES (?, ?, ?, ?, ?, ?) RETURNING id),"
                + " queued AS (INSERT INTO outbox_queue (id) SELECT id FROM appended)"
                + " SELECT id FROM appended")) {
      ps.setObject(1, event.eventId());
      ps.setString(2, routeKey);
      ps.setLong(3, revision);
      ps.setString(4, event.eventType());
      ps.setString(5, new String(SERDE.serialize(null, event), StandardCharsets.UTF_8));
      ps.setString(6, event.correlationId());
      long id;
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        id = rs.getLong(1);
      }
      if (notify) {
        try (var st = c.createStatement()) {
          st.execute("NOTIFY " + OutboxStore.CHANNEL);
        }
      }
      return id;
    }
  }

  /** Inserts a row as if written and published {@code age} ago. */
  long insertPublished(String routeKey, long revision, Duration age) throws SQLException {
    return insertAged(routeKey, revision, age, false);
  }

  /** Inserts a row written {@code age} ago that is still waiting for the relay. */
  long insertPending(String routeKey, long revision, Duration age) throws SQLException {
    return insertAged(routeKey, revision, age, true);
  }

  private long insertAged(String routeKey, long revision, Duration age, boolean pending)
      throws SQLException {
    try (Connection c = connect();
        PreparedStatement ps =
            c.prepareStatement(
                "WITH appended AS (INSERT INTO outbox (event_id, route_key, revision, event_type,"
                    + " payload, correlation_id, created_at)"
                    + " VALUES (?, ?, ?, 'route_changed', '{}', 'corr',"
                    + " now() - make_interval(secs => ?)) RETURNING id),"
                    + " queued AS (INSERT INTO outbox_queue (id) SELECT id FROM appended WHERE ?)"
                    + " SELECT id FROM appended")) {
      ps.setObject(1, UUID.randomUUID());
      ps.setString(2, routeKey);
      ps.setLong(3, revision);
      ps.setDouble(4, (double) age.toSeconds());
      ps.setBoolean(5, pending);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  long pending() throws SQLException {
    return count("SELECT count(*) FROM outbox_queue");
  }

  long published() throws SQLException {
    return count("SELECT count(*) FROM outbox WHERE id NOT IN (SELECT id FROM outbox_queue)");
  }

  boolean isPublished(long id) throws SQLException {
    return exists(id) && count("SELECT count(*) FROM outbox_queue WHERE id = " + id) == 0;
  }

  boolean exists(long id) throws SQLException {
    return count("SELECT count(*) FROM outbox WHERE id = " + id) == 1;
  }

  private long count(String sql) throws SQLException {
    try (Connection c = connect();
        var st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static RouteEvent event(String routeKey, long revision) {
    RouteKey key = RouteKey.parse(routeKey);
    Instant now = Instant.now();
    return RouteEvent.of(
        UUID.randomUUID(),
        revision == 1 ? Action.CREATED : Action.URL_CHANGED,
        new RouteState(
            key.tenant(),
            key.service(),
            key.env(),
            key.version(),
            "https://" + key.service() + ".example.com/r" + revision,
            true,
            revision,
            now),
        now,
        "outbox-test",
        "corr-" + routeKey + "#" + revision);
  }
}
