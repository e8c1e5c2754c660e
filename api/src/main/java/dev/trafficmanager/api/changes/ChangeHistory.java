package dev.trafficmanager.api.changes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trafficmanager.api.database.Database;
import dev.trafficmanager.api.outbox.ChangeIndex;
import dev.trafficmanager.api.outbox.OutboxStore;
import dev.trafficmanager.event.EventJson;
import dev.trafficmanager.event.RouteEvent;
import dev.trafficmanager.event.RouteState;
import dev.trafficmanager.event.SplitEvent;
import dev.trafficmanager.event.SplitState;
import dev.trafficmanager.route.InvalidInputException;
import dev.trafficmanager.route.Violation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A tenant's changes after an index, read from the outbox (its {@code tenant}, {@code change_index}
 * and {@code previous} columns), which keeps them for {@code TM_OUTBOX_RETENTION}. Every read goes
 * through the database's circuit breaker and retry budget. Thread-safe.
 */
public final class ChangeHistory {
  private final Database database;
  private final OutboxStore outbox = new OutboxStore();
  private final ObjectMapper json = EventJson.newMapper();

  public ChangeHistory(Database database) {
    this.database = database;
  }

  /** Changes in index order, contiguous from the index asked after, and the tenant's last index. */
  public record Page(List<Change> changes, long latest) {
    public Page {
      changes = List.copyOf(changes);
    }

    /** The index a reader is at once it has these changes. */
    public long indexAfter(long after) {
      return changes.isEmpty() ? after : changes.get(changes.size() - 1).index();
    }
  }

  /**
   * At most {@code limit} changes of the tenant after index {@code after}, in index order, read in
   * one snapshot with the tenant's last index.
   *
   * @throws IndexGoneException when a change after {@code after} is no longer kept
   * @throws InvalidInputException naming {@code index} when {@code after} is beyond the tenant's
   *     last index (an index this history never gave)
   */
  public Page after(String tenant, long after, int limit) {
    List<OutboxStore.HistoryRow> rows =
        database.withHandle(handle -> outbox.historyAfter(handle, tenant, after, limit));
    long latest = rows.get(0).latest();
    if (after > latest) {
      throw new InvalidInputException(
          List.of(
              new Violation(
                  "index",
                  "is beyond tenant "
                      + tenant
                      + "'s change history, whose last index is "
                      + latest)));
    }
    List<Change> changes = new ArrayList<>();
    long expected = after + 1;
    for (OutboxStore.HistoryRow row : rows) {
      if (row.index() == null) {
        continue;
      }
      // Indexes are never skipped (ChangeIndex), so a hole is a row the retention deleted.
      if (row.index() != expected) {
        throw new IndexGoneException(tenant, after);
      }
      changes.add(change(row));
      expected++;
    }
    if (changes.isEmpty() && latest > after) {
      throw new IndexGoneException(tenant, after);
    }
    return new Page(changes, latest);
  }

  /** The tenant's last change index, 0 before its first change. */
  public long latest(String tenant) {
    return database.withHandle(
        handle ->
            handle
                .createQuery("SELECT change_index FROM " + ChangeIndex.AT_TENANT + " i")
                .bind("tenant", tenant)
                .mapTo(Long.class)
                .one());
  }

  /** The last change index of each of the tenants that has changed at all, in one query. */
  public Map<String, Long> latest(Collection<String> tenants) {
    if (tenants.isEmpty()) {
      return Map.of();
    }
    return database.withHandle(
        handle ->
            handle
                .createQuery(
                    "SELECT tenant, last_index FROM tenant_change_index WHERE tenant = ANY(:tenants)")
                .bindArray("tenants", String.class, tenants)
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2)))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
  }

  private Change change(OutboxStore.HistoryRow row) {
    try {
      if (SplitEvent.EVENT_TYPE.equals(row.eventType())) {
        SplitEvent event = json.readValue(row.payload(), SplitEvent.class);
        SplitState previous =
            row.previous() == null ? null : json.readValue(row.previous(), SplitState.class);
        return new Change(
            row.index(),
            event.action(),
            event.splitKey().toString(),
            event.revision(),
            previous,
            event.state(),
            event.occurredAt());
      }
      RouteEvent event = json.readValue(row.payload(), RouteEvent.class);
      RouteState previous =
          row.previous() == null ? null : json.readValue(row.previous(), RouteState.class);
      return new Change(
          row.index(),
          event.action(),
          event.routeKey().toString(),
          event.revision(),
          previous,
          event.state(),
          event.occurredAt());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "an outbox row of change " + row.index() + " is unreadable", e);
    }
  }
}
