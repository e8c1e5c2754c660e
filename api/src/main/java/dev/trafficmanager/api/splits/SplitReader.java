package dev.trafficmanager.api.splits;

import dev.trafficmanager.api.changes.Indexed;
import dev.trafficmanager.api.database.Database;
import dev.trafficmanager.event.SplitState;
import dev.trafficmanager.split.SplitKey;
import java.util.List;
import java.util.Optional;

/** Reads splits from PostgreSQL through the database's breaker and retry budget. Thread-safe. */
public final class SplitReader {
  private final Database database;
  private final SplitRepository splits = new SplitRepository();

  public SplitReader(Database database) {
    this.database = database;
  }

  /** The split as stored, a deleted one (no weights) included: its revision still counts. */
  public Optional<SplitState> find(SplitKey key) {
    return database.withHandle(handle -> splits.find(handle, key));
  }

  /** The tenant's splits (deleted ones left out) and the change index they are at. */
  public Indexed<List<SplitState>> list(String tenant) {
    return database.withHandle(handle -> splits.list(handle, tenant));
  }
}
