package dev.trafficmanager.api.watch;

import dev.trafficmanager.api.changes.Change;
import dev.trafficmanager.api.changes.ChangeFilter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The recent changes of one watched tenant in memory, and its parked watchers and streams.
 *
 * <p>It holds every change with an index in {@code (floor, latest]}, at most {@code capacity} of
 * them: fetches from PostgreSQL append them in index order, without holes (a tenant's indexes are
 * contiguous), and the oldest fall off the front, raising the floor. A position at or after the
 * floor is answered from here; an older one from PostgreSQL. Every method holds the window's lock.
 */
final class TenantWindow {
  final String tenant;
  // A fetch of this window's new changes is running (one at a time, so appends stay in order) ...
  final AtomicBoolean fetching = new AtomicBoolean();
  // ... or one more is wanted: a signal came while it ran.
  final AtomicBoolean stale = new AtomicBoolean();

  private final int capacity;
  private final ArrayDeque<Change> changes = new ArrayDeque<>();
  private final Set<Waiter> waiters = new LinkedHashSet<>();
  private final Set<Subscription> subscriptions = new LinkedHashSet<>();
  private long floor;
  private long latest;
  private long lastUsedNanos;
  private boolean retired;

  /** A window opened at the tenant's last index, holding no changes yet. */
  TenantWindow(String tenant, int capacity, long latest, long nowNanos) {
    this.tenant = tenant;
    this.capacity = capacity;
    this.floor = latest;
    this.latest = latest;
    this.lastUsedNanos = nowNanos;
  }

  synchronized long latest() {
    return latest;
  }

  /**
   * Whether a position can be answered from here now: within {@code [floor, latest]} of a window
   * still in use. A position beyond {@code latest} may be one this window has not fetched yet, or
   * one never given: PostgreSQL tells.
   */
  synchronized boolean covers(long position) {
    return !retired && position >= floor && position <= latest;
  }

  /**
   * The changes after {@code position} that match, at most {@code limit}, and the index of the last
   * change looked at; call under {@link #covers}.
   */
  synchronized WatchAnswer after(long position, ChangeFilter filter, int limit) {
    List<Change> matching = new ArrayList<>();
    long looked = position;
    for (Change change : changes) {
      if (change.index() <= position) {
        continue;
      }
      if (change.matches(filter)) {
        if (matching.size() == limit) {
          break;
        }
        matching.add(change);
      }
      looked = change.index();
    }
    return new WatchAnswer(looked, matching);
  }

  /**
   * Whether a position PostgreSQL has confirmed (no later than the tenant's last index) can wait
   * here: at or after the floor of a window still in use, even beyond what it has fetched.
   */
  synchronized boolean accepts(long position) {
    return !retired && position >= floor;
  }

  /** Parks a blocking query at a position the window {@link #accepts}. */
  synchronized void park(Waiter waiter, long nowNanos) {
    waiters.add(waiter);
    lastUsedNanos = nowNanos;
  }

  /** Takes a parked query out, if it still is; true when the caller may answer it. */
  synchronized boolean unpark(Waiter waiter) {
    return waiters.remove(waiter);
  }

  /**
   * Adds a stream at a position the window {@link #accepts}; returns what it must be sent first:
   * every change held (it skips those at or before its position).
   */
  synchronized List<Change> subscribe(Subscription subscription, long nowNanos) {
    subscriptions.add(subscription);
    lastUsedNanos = nowNanos;
    return List.copyOf(changes);
  }

  /** What a fetch hands over, to be done outside the lock. */
  record Deliveries(List<Waiter> answered, List<WatchAnswer> answers, List<Subscription> streams) {}

  /**
   * Appends fetched changes (contiguous, in index order; those already held are skipped), answers
   * the parked queries that now have matching changes and names the streams to send them to.
   */
  synchronized Deliveries append(List<Change> fetched, int limit) {
    List<Change> added = new ArrayList<>();
    for (Change change : fetched) {
      if (change.index() == latest + 1) {
        changes.addLast(change);
        latest = change.index();
        added.add(change);
      }
    }
    List<Waiter> answered = new ArrayList<>();
    List<WatchAnswer> answers = new ArrayList<>();
    if (!added.isEmpty()) {
      for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
        Waiter waiter = it.next();
        WatchAnswer answer = after(waiter.position, waiter.filter, limit);
        if (answer.changes().isEmpty()) {
          waiter.position = Math.max(waiter.position, answer.index());
        } else {
          it.remove();
          answered.add(waiter);
          answers.add(answer);
        }
      }
    }
    // Only after the waiters had theirs: a fetch larger than the window must not drop changes a
    // parked query was waiting for.
    while (changes.size() > capacity) {
      floor = changes.removeFirst().index();
    }
    subscriptions.removeIf(Subscription::isClosed);
    return new Deliveries(answered, answers, List.copyOf(subscriptions));
  }

  synchronized List<Subscription> subscriptions() {
    subscriptions.removeIf(Subscription::isClosed);
    return List.copyOf(subscriptions);
  }

  synchronized int waiting() {
    return waiters.size();
  }

  synchronized int streams() {
    return subscriptions.size();
  }

  synchronized boolean inUse() {
    return !waiters.isEmpty() || !subscriptions.isEmpty();
  }

  /**
   * Retires the window when nobody has used it for {@code idleNanos}; a retired window takes no
   * more watchers.
   */
  synchronized boolean retireIfIdle(long nowNanos, long idleNanos) {
    subscriptions.removeIf(Subscription::isClosed);
    if (inUse() || nowNanos - lastUsedNanos < idleNanos) {
      return false;
    }
    retired = true;
    return true;
  }

  /** Takes every parked query and stream out (the server is stopping). */
  synchronized Deliveries drain() {
    List<Waiter> all = List.copyOf(waiters);
    waiters.clear();
    List<Subscription> streams = List.copyOf(subscriptions);
    subscriptions.clear();
    retired = true;
    return new Deliveries(all, List.of(), streams);
  }

  /** Takes every parked query out: the window's history is gone (see {@link WatchHub}). */
  synchronized Deliveries reset() {
    return drain();
  }
}
