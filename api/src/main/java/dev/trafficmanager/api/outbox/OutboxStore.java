package dev.trafficmanager.api.outbox;

import dev.trafficmanager.event.Event;
import dev.trafficmanager.event.JsonSerde;
import dev.trafficmanager.event.RouteEvent;
import dev.trafficmanager.event.RouteState;
import dev.trafficmanager.event.SplitEvent;
import dev.trafficmanager.event.SplitState;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.jdbi.v3.core.Handle;

/**
 * Every statement on the {@code outbox} and {@code outbox_queue} tables, in the spirit of
 * gruelbox's {@code Persistor}: the writer's append, the relay's reads and marks, the backlog, the
 * retention sweep and republish's reads. A row is pending while its id is in {@code outbox_queue}
 * and published once the relay has deleted it from there. Stateless and thread-safe; each method
 * runs on the caller's handle or connection (and so in its transaction).
 */
public final class OutboxStore {
  /** The channel a writer notifies when its transaction commits an outbox row. */
  public static final String CHANNEL = "outbox";

  private static final String INSERT =
      "INSERT INTO outbox (event_id, route_key, revision, event_type, payload, correlation_id)";

  // One statement, one round trip: the tenant's next change index, the row, its place in the
  // relay's queue and the NOTIFY, which PostgreSQL delivers only when the transaction commits, so
  // the relay never wakes for a rolled-back row. Taking the index here rather than in a statement
  // of its own matters for throughput: the index row stays locked until the commit (see
  // ChangeIndex), so every round trip after it is one more that a tenant's next write waits for.
  // The payload arrives without its index, which the contract serializes last: the index is
  // spliced in before the closing brace, so the stored payload is the event the relay publishes.
  private static final String APPEND =
      "WITH next_index AS ("
          + ChangeIndex.NEXT
          + "), appended AS (INSERT INTO outbox (event_id, route_key, revision, event_type,"
          + " payload, correlation_id, tenant, change_index, previous)"
          + " SELECT :event_id, :route_key, :revision, :event_type,"
          + " left(:payload, -1) || ',\"index\":' || last_index || '}',"
          + " :correlation_id, :tenant, last_index, :previous FROM next_index"
          + " RETURNING id, change_index),"
          + " queued AS (INSERT INTO outbox_queue (id) SELECT id FROM appended)"
          + " SELECT change_index, pg_notify('"
          + CHANNEL
          + "', '') FROM appended";

  private static final String CREATED_IN_RANGE =
      " FROM outbox WHERE created_at >= ? AND created_at < ?"
          + " AND (CAST(? AS text) IS NULL OR starts_with(route_key, CAST(? AS text)))";

  private static final String IS_PENDING =
      " EXISTS (SELECT 1 FROM outbox_queue q WHERE q.id = outbox.id)";

  private final JsonSerde<RouteEvent> serde = new JsonSerde<>(RouteEvent.class);
  private final JsonSerde<RouteState> previousJson = new JsonSerde<>(RouteState.class);
  private final JsonSerde<SplitEvent> splitSerde = new JsonSerde<>(SplitEvent.class);
  private final JsonSerde<SplitState> splitStateJson = new JsonSerde<>(SplitState.class);

  /**
   * Appends the event in the writer's transaction, at the tenant's next change index, and notifies
   * the relay on commit. The row keeps the event's tenant, its change index and the route's state
   * before it ({@code previous}, null for a create): the change history the watch API reads ({@code
   * dev.trafficmanager.api.changes.ChangeHistory}).
   *
   * <p>Call it after the route's row is locked: the tenant's index row is locked from here to the
   * end of the transaction ({@link ChangeIndex}).
   *
   * @param event the event, without an index (the store takes it)
   * @return the event as appended, with its index
   */
  public RouteEvent append(Handle handle, RouteEvent event, RouteState previous) {
    return event.withIndex(
        append(
            handle,
            event,
            event.routeKey().toString(),
            payload(event),
            json(previousJson, previous)));
  }

  /**
   * Appends a split's event (schema_version 2) as {@link #append(Handle, RouteEvent, RouteState)}
   * does a route's, at the tenant's next change index: keyed by the split key, with the split's
   * state before ({@code previous}, null for its first revision).
   *
   * @param event the event, without an index (the store takes it)
   * @return the event as appended, with its index
   */
  public SplitEvent append(Handle handle, SplitEvent event, SplitState previous) {
    return event.withIndex(
        append(
            handle,
            event,
            event.splitKey().toString(),
            json(splitSerde, event),
            json(splitStateJson, previous)));
  }

  /**
   * Appends the row at the tenant's next change index (spliced into the payload) and returns it.
   */
  private static long append(
      Handle handle, Event event, String key, String payload, String previous) {
    if (event.index() != null) {
      throw new IllegalArgumentException("the store takes the change index, got " + event.index());
    }
    return handle
        .createQuery(APPEND)
        .bind("tenant", event.tenant())
        .bind("event_id", event.eventId())
        .bind("route_key", key)
        .bind("revision", event.revision())
        .bind("event_type", event.eventType())
        .bind("payload", payload)
        .bind("correlation_id", event.correlationId())
        .bind("previous", previous)
        .mapTo(Long.class)
        .one();
  }

  private static <T> String json(JsonSerde<T> serde, T value) {
    return value == null ? null : new String(serde.serialize(null, value), StandardCharsets.UTF_8);
  }

  /**
   * One row of a tenant's change history: the outbox row at {@code index} (null when the tenant has
   * no change after the index asked for), read in one snapshot with the tenant's {@code latest}
   * index.
   */
  public record HistoryRow(
      long latest, Long index, String eventType, String payload, String previous) {}

  /**
   * At most {@code limit} rows of the tenant's change history after index {@code after}, in index
   * order, and its last index: always at least one row, which carries only the last index when
   * nothing comes after {@code after}.
   */
  public List<HistoryRow> historyAfter(Handle handle, String tenant, long after, int limit) {
    return handle
        .createQuery(
            "SELECT i.change_index AS latest, o.change_index, o.event_type, o.payload, o.previous"
                + " FROM "
                + ChangeIndex.AT_TENANT
                + " i LEFT JOIN LATERAL (SELECT change_index, event_type, payload, previous"
                + " FROM outbox WHERE tenant = :tenant AND change_index > :after"
                + " ORDER BY change_index LIMIT :limit) o ON true"
                + " ORDER BY o.change_index")
        .bind("tenant", tenant)
        .bind("after", after)
        .bind("limit", limit)
        .map(
            (rs, ctx) ->
                new HistoryRow(
                    rs.getLong("latest"),
                    rs.getObject("change_index", Long.class),
                    rs.getString("event_type"),
                    rs.getString("payload"),
                    rs.getString("previous")))
        .list();
  }

  /**
   * Appends many events in the caller's transaction, in list order, and notifies the relay once on
   * commit: what a burst of writes leaves behind, written in batched round trips.
   *
   * @return the outbox ids of the events, in list order
   */
  public List<Long> appendAll(Connection connection, List<RouteEvent> events) throws SQLException {
    List<Long> ids = new ArrayList<>(events.size());
    try (PreparedStatement ps =
        connection.prepareStatement(
            "WITH appended AS ("
                + INSERT
                + " VALUES (?, ?, ?, ?, ?, ?) RETURNING id)"
                + " INSERT INTO outbox_queue (id) SELECT id FROM appended",
            new String[] {"id"})) {
      for (RouteEvent event : events) {
        ps.setObject(1, event.eventId());
        ps.setString(2, event.routeKey().toString());
        ps.setLong(3, event.revision());
        ps.setString(4, event.eventType());
        ps.setString(5, payload(event));
        ps.setString(6, event.correlationId());
        ps.addBatch();
      }
      ps.executeBatch();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        while (keys.next()) {
          ids.add(keys.getLong(1));
        }
      }
    }
    try (Statement st = connection.createStatement()) {
      st.execute("NOTIFY " + CHANNEL);
    }
    return ids;
  }

  /** How many rows with ids from {@code firstId} to {@code lastId} are still pending. */
  public long pendingBetween(Connection connection, long firstId, long lastId) throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement("SELECT count(*) FROM outbox_queue WHERE id BETWEEN ? AND ?")) {
      ps.setLong(1, firstId);
      ps.setLong(2, lastId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** The contract serde's own bytes, so downstream reads exactly the contract. */
  private String payload(RouteEvent event) {
    return new String(serde.serialize(null, event), StandardCharsets.UTF_8);
  }

  /**
   * The oldest unpublished rows but {@code excluded} (a batch still in flight), in id order. Read
   * from the queue rather than after the last id seen: ids are taken at insert but become visible
   * at commit, so a smaller id can appear after a larger one and a cursor would skip it forever.
   * For the same reason the exclusion is exact, never "after the batch's last id": a later revision
   * of a route must not go out before the earlier one that committed late.
   */
  List<OutboxRow> pending(Connection connection, int limit, List<Long> excluded)
      throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement(
            // The ids first, then one index lookup each: joined, the planner may merge the queue
            // with the outbox's primary key and walk every row ever written before the first one.
            // NOT IN a subquery is hashed once; "<> ALL(array)" would compare each row with every
            // excluded id.
            "SELECT id, event_id, route_key, revision, event_type, payload, correlation_id"
                + " FROM outbox WHERE id = ANY(ARRAY(SELECT id FROM outbox_queue"
                + " WHERE id NOT IN (SELECT unnest(?::bigint[])) ORDER BY id LIMIT ?))"
                + " ORDER BY id")) {
      Array array = connection.createArrayOf("bigint", excluded.toArray());
      try {
        ps.setArray(1, array);
        ps.setInt(2, limit);
        ps.setFetchSize(limit);
        try (ResultSet rs = ps.executeQuery()) {
          List<OutboxRow> rows = new ArrayList<>();
          while (rs.next()) {
            rows.add(
                new OutboxRow(
                    rs.getLong(1),
                    rs.getObject(2, UUID.class),
                    rs.getString(3),
                    rs.getLong(4),
                    rs.getString(5),
                    rs.getString(6),
                    rs.getString(7)));
          }
          return rows;
        }
      } finally {
        array.free();
      }
    }
  }

  /** Marks the given rows published, in one statement. */
  int markPublished(Connection connection, List<Long> ids) throws SQLException {
    if (ids.isEmpty()) {
      return 0;
    }
    try (PreparedStatement ps =
        connection.prepareStatement("DELETE FROM outbox_queue WHERE id = ANY(?)")) {
      Array array = connection.createArrayOf("bigint", ids.toArray());
      try {
        ps.setArray(1, array);
        return ps.executeUpdate();
      } finally {
        array.free();
      }
    }
  }

  /**
   * Deletes at most {@code limit} published rows written longer than {@code retention} ago (by the
   * database's clock); a pending row is kept however old it is. Bounded so that one statement never
   * holds many row locks for long.
   *
   * @return how many rows were deleted
   */
  int deletePublishedBefore(Connection connection, Duration retention, int limit)
      throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement(
            "DELETE FROM outbox WHERE id IN (SELECT o.id FROM outbox o"
                + " WHERE o.created_at < now() - make_interval(secs => ?)"
                + " AND NOT EXISTS (SELECT 1 FROM outbox_queue q WHERE q.id = o.id) LIMIT ?)")) {
      ps.setDouble(1, retention.toMillis() / 1000.0);
      ps.setInt(2, limit);
      return ps.executeUpdate();
    }
  }

  /** Reads the backlog in one statement: the queue's size and its oldest row's age. */
  public OutboxBacklog backlog(Connection connection) throws SQLException {
    try (Statement st = connection.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT (SELECT count(*) FROM outbox_queue),"
                    + " COALESCE((SELECT EXTRACT(EPOCH FROM now() - created_at) FROM outbox"
                    + " WHERE id = (SELECT min(id) FROM outbox_queue)), 0)")) {
      rs.next();
      return new OutboxBacklog(
          rs.getLong(1), Duration.ofMillis(Math.max(0, Math.round(rs.getDouble(2) * 1000))));
    }
  }

  /**
   * How many rows of the range are published and how many pending, and when the oldest row of the
   * whole outbox was created.
   */
  public RangeCount count(Connection connection, EventRange range) throws SQLException {
    long published;
    long pending;
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT count(*) FILTER (WHERE NOT"
                + IS_PENDING
                + "), count(*) FILTER (WHERE"
                + IS_PENDING
                + ")"
                + CREATED_IN_RANGE)) {
      bind(ps, range);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        published = rs.getLong(1);
        pending = rs.getLong(2);
      }
    }
    Optional<Instant> oldest;
    try (PreparedStatement ps = connection.prepareStatement("SELECT min(created_at) FROM outbox");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      oldest =
          Optional.ofNullable(rs.getObject(1, OffsetDateTime.class)).map(OffsetDateTime::toInstant);
    }
    return new RangeCount(published, pending, oldest);
  }

  /**
   * Hands each published row of the range to {@code action}, in id order (within one route,
   * revision order), until it returns false. Pending rows are the relay's and are left out. Rows
   * are streamed through a server-side cursor, {@code fetchSize} at a time, never all in memory;
   * for the cursor's sake the connection's auto-commit is off meanwhile, and restored after.
   *
   * @return the rows handed over
   */
  public long forEachPublished(
      Connection connection, EventRange range, int fetchSize, Predicate<StoredEvent> action)
      throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    // PostgreSQL's driver streams a result set through a cursor only inside a transaction.
    connection.setAutoCommit(false);
    long handed = 0;
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT id, event_id, route_key, revision, event_type, payload, correlation_id,"
                + " created_at"
                + CREATED_IN_RANGE
                + " AND NOT"
                + IS_PENDING
                + " ORDER BY id")) {
      ps.setFetchSize(fetchSize);
      bind(ps, range);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          handed++;
          if (!action.test(storedEvent(rs))) {
            break;
          }
        }
      }
    } finally {
      connection.rollback();
      connection.setAutoCommit(autoCommit);
    }
    return handed;
  }

  /** What is done with each row a read hands over; it may write to the database itself. */
  @FunctionalInterface
  public interface RowAction<T> {
    void accept(T row) throws SQLException;
  }

  /**
   * Hands every pending row, and every row created at or after {@code createdSince} when given, to
   * {@code action}, in no particular order. Runs in the caller's transaction, which keeps
   * auto-commit off so that rows stream through a cursor, {@code fetchSize} at a time: in a
   * repeatable-read transaction, the rows are of the same snapshot as the caller's other reads
   * ({@code verify} reads the routes and the outbox so).
   *
   * @return the rows handed over
   */
  public long forEachRevision(
      Connection connection,
      Optional<Instant> createdSince,
      int fetchSize,
      RowAction<OutboxRevision> action)
      throws SQLException {
    long handed = 0;
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT route_key, revision,"
                + IS_PENDING
                + ", created_at FROM outbox WHERE"
                + IS_PENDING
                + " OR created_at >= CAST(? AS timestamptz)")) {
      ps.setFetchSize(fetchSize);
      ps.setObject(
          1, createdSince.map(t -> OffsetDateTime.ofInstant(t, ZoneOffset.UTC)).orElse(null));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          handed++;
          action.accept(
              new OutboxRevision(
                  rs.getString(1),
                  rs.getLong(2),
                  rs.getBoolean(3),
                  rs.getObject(4, OffsetDateTime.class).toInstant()));
        }
      }
    }
    return handed;
  }

  private static void bind(PreparedStatement ps, EventRange range) throws SQLException {
    ps.setObject(1, OffsetDateTime.ofInstant(range.from(), ZoneOffset.UTC));
    ps.setObject(2, OffsetDateTime.ofInstant(range.to(), ZoneOffset.UTC));
    String prefix = range.tenant().map(t -> t + "/").orElse(null);
    ps.setString(3, prefix);
    ps.setString(4, prefix);
  }

  private static StoredEvent storedEvent(ResultSet rs) throws SQLException {
    return new StoredEvent(
        rs.getLong("id"),
        rs.getObject("event_id", UUID.class),
        rs.getString("route_key"),
        rs.getLong("revision"),
        rs.getString("event_type"),
        rs.getString("payload"),
        rs.getString("correlation_id"),
        rs.getObject("created_at", OffsetDateTime.class).toInstant());
  }
}
