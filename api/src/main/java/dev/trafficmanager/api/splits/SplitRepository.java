package dev.trafficmanager.api.splits;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trafficmanager.api.changes.Indexed;
import dev.trafficmanager.api.outbox.ChangeIndex;
import dev.trafficmanager.event.EventJson;
import dev.trafficmanager.event.SplitState;
import dev.trafficmanager.split.SplitKey;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/** The SQL of the {@code splits} table; every method runs on the caller's handle (transaction). */
final class SplitRepository {
  private static final String COLUMNS =
      "tenant, service, env, CAST(weights AS text) AS weights, revision, updated_at";
  private static final String BY_KEY =
      " WHERE tenant = :tenant AND service = :service AND env = :env";
  private static final TypeReference<Map<String, Integer>> WEIGHTS = new TypeReference<>() {};

  private final ObjectMapper json = EventJson.newMapper();

  /**
   * Whether each named version of the split's service and env is active (absent: no such route),
   * the routes locked against deactivation (FOR SHARE) until the transaction ends.
   */
  Map<String, Boolean> lockVersions(Handle handle, SplitKey key, Collection<String> versions) {
    return bindKey(
            handle.createQuery(
                "SELECT version, active FROM routes"
                    + BY_KEY
                    + " AND version = ANY(:versions) ORDER BY version FOR SHARE"),
            key)
        .bindArray("versions", String.class, versions)
        .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getBoolean(2)))
        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  /** The split (deleted ones too: no weights), locked until the transaction ends. */
  Optional<SplitState> lock(Handle handle, SplitKey key) {
    return bindKey(
            handle.createQuery("SELECT " + COLUMNS + " FROM splits" + BY_KEY + " FOR UPDATE"), key)
        .map((rs, ctx) -> split(rs))
        .findOne();
  }

  /** The split (deleted ones too: no weights). */
  Optional<SplitState> find(Handle handle, SplitKey key) {
    return bindKey(handle.createQuery("SELECT " + COLUMNS + " FROM splits" + BY_KEY), key)
        .map((rs, ctx) -> split(rs))
        .findOne();
  }

  /** Inserts the split at revision 1, or returns empty if another write inserted it first. */
  Optional<SplitState> insertIfAbsent(
      Handle handle, SplitKey key, Map<String, Integer> weights, Instant now) {
    return bindKey(
            handle.createQuery(
                "INSERT INTO splits (tenant, service, env, weights, revision, updated_at)"
                    + " VALUES (:tenant, :service, :env, CAST(:weights AS jsonb), 1, :now)"
                    + " ON CONFLICT (tenant, service, env) DO NOTHING RETURNING "
                    + COLUMNS),
            key)
        .bind("weights", text(weights))
        .bind("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
        .map((rs, ctx) -> split(rs))
        .findOne();
  }

  /** Writes the weights and bumps the revision of a split locked by {@link #lock}. */
  SplitState update(Handle handle, SplitKey key, Map<String, Integer> weights, Instant now) {
    return bindKey(
            handle.createQuery(
                "UPDATE splits SET weights = CAST(:weights AS jsonb), revision = revision + 1,"
                    + " updated_at = :now"
                    + BY_KEY
                    + " RETURNING "
                    + COLUMNS),
            key)
        .bind("weights", text(weights))
        .bind("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
        .map((rs, ctx) -> split(rs))
        .one();
  }

  /**
   * The tenant's splits that are not deleted, in (service, env) order, and the tenant's change
   * index they are at: one statement, so one snapshot (see {@link ChangeIndex}).
   */
  Indexed<List<SplitState>> list(Handle handle, String tenant) {
    List<SplitState> splits = new ArrayList<>();
    long[] index = {0};
    handle
        .createQuery(
            "SELECT i.change_index, s.* FROM "
                + ChangeIndex.AT_TENANT
                + " i LEFT JOIN LATERAL (SELECT "
                + COLUMNS
                + " FROM splits WHERE tenant = :tenant AND weights <> '{}'::jsonb) s ON true"
                + " ORDER BY s.service, s.env")
        .bind("tenant", tenant)
        .map(
            (rs, ctx) -> {
              index[0] = rs.getLong("change_index");
              return rs.getString("tenant") == null
                  ? Optional.<SplitState>empty()
                  : Optional.of(split(rs));
            })
        .forEach(split -> split.ifPresent(splits::add));
    return new Indexed<>(splits, index[0]);
  }

  private String text(Map<String, Integer> weights) {
    try {
      return json.writeValueAsString(weights);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("weights are always serialisable", e);
    }
  }

  private SplitState split(ResultSet rs) throws SQLException {
    try {
      return new SplitState(
          rs.getString("tenant"),
          rs.getString("service"),
          rs.getString("env"),
          json.readValue(rs.getString("weights"), WEIGHTS),
          rs.getLong("revision"),
          rs.getObject("updated_at", OffsetDateTime.class).toInstant());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the splits table holds weights it cannot read", e);
    }
  }

  private static Query bindKey(Query query, SplitKey key) {
    return query.bind("tenant", key.tenant()).bind("service", key.service()).bind("env", key.env());
  }
}
