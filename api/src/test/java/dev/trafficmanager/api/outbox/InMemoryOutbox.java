package dev.trafficmanager.api.outbox;

import dev.trafficmanager.time.MutableClock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.TreeMap;

/**
 * The outbox as the relay's session sees it, in memory: rows the test appends stay pending until
 * marked, a notification reaches the relay only once it listens, and a wait with nothing to wake it
 * moves the test's clock instead of blocking.
 */
final class InMemoryOutbox implements OutboxSource {
  private final MutableClock clock;
  private final TreeMap<Long, OutboxRow> pending = new TreeMap<>();
  private final List<List<Long>> marks = new ArrayList<>();
  private final Deque<Runnable> writesDuringWaits = new ArrayDeque<>();
  private long nextId = 1;
  private boolean listening;
  private boolean notified;
  private long oldPublished;
  private int deleteStatements;

  /** How long one retention statement takes. */
  Duration deleteTakes = Duration.ZERO;

  /** Runs at each read of pending rows, as it begins. */
  Runnable onRead = () -> {};

  InMemoryOutbox(MutableClock clock) {
    this.clock = clock;
  }

  /** A writer commits a row and notifies the relay. */
  long append(String routeKey, long revision) {
    long id = appendWithoutNotify(routeKey, revision);
    notified = listening;
    return id;
  }

  /** A writer commits a row, but its notification is lost. */
  long appendWithoutNotify(String routeKey, long revision) {
    long id = nextId++;
    pending.put(id, OutboxRows.row(id, routeKey, revision));
    return id;
  }

  /** Runs {@code write} the next time the relay waits for a notification, as a writer would. */
  void writeWhileWaiting(Runnable write) {
    writesDuringWaits.add(write);
  }

  /** Adds published rows older than any retention. */
  void addOldPublishedRows(long rows) {
    oldPublished += rows;
  }

  List<Long> pendingIds() {
    return List.copyOf(pending.keySet());
  }

  /** Each statement that marked rows published, with its ids. */
  List<List<Long>> marks() {
    return List.copyOf(marks);
  }

  long oldPublishedRows() {
    return oldPublished;
  }

  int deleteStatements() {
    return deleteStatements;
  }

  @Override
  public void listen() {
    listening = true;
  }

  @Override
  public boolean awaitNotification(Duration timeout) {
    Runnable write = writesDuringWaits.poll();
    if (write != null) {
      write.run();
    }
    if (notified) {
      notified = false;
      return true;
    }
    clock.advance(timeout);
    return false;
  }

  @Override
  public List<OutboxRow> pending(int limit, List<Long> inFlight) {
    onRead.run();
    return pending.values().stream()
        .filter(row -> !inFlight.contains(row.id()))
        .limit(limit)
        .toList();
  }

  @Override
  public void markPublished(List<Long> ids) {
    if (!ids.isEmpty()) {
      marks.add(List.copyOf(ids));
      ids.forEach(pending::remove);
    }
  }

  @Override
  public int deletePublishedBefore(Duration retention, int limit) {
    deleteStatements++;
    clock.advance(deleteTakes);
    int deleted = (int) Math.min(limit, oldPublished);
    oldPublished -= deleted;
    return deleted;
  }
}
