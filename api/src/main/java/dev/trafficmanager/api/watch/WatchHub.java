package dev.trafficmanager.api.watch;

import dev.trafficmanager.api.changes.Change;
import dev.trafficmanager.api.changes.ChangeFilter;
import dev.trafficmanager.api.changes.ChangeHistory;
import dev.trafficmanager.api.changes.IndexGoneException;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watch API's engine on one instance: blocking queries and event streams over each tenant's
 * change history, without a thread per watcher.
 *
 * <p>A watched tenant has a {@link TenantWindow} of its recent changes. A watcher whose index is in
 * the window is answered from memory at once, or parked (a future, and a timer for its wait); one
 * whose index is older is answered from PostgreSQL ({@link ChangeHistory}), where an index whose
 * changes are no longer all kept is a 410. When the tenant changes, a fetch reads the new changes
 * from PostgreSQL into the window (one fetch per tenant at a time, however many watch it) and
 * completes the parked queries that match and sends them to the streams. What starts a fetch: a
 * signal that a change was published ({@link #signal}, from the {@code route-events} tail), a write
 * on this instance ({@link #poke}), and a poll of the watched tenants' indexes every {@code
 * TM_WATCH_POLL_INTERVAL}, which covers a missed signal.
 *
 * <p>Changes come from PostgreSQL, never from the signal itself, so every instance serves exactly
 * what was committed, in index order, whatever Kafka delivers.
 */
public final class WatchHub implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WatchHub.class);
  // A window nobody has watched for this long is dropped; the next watcher reopens it.
  private static final Duration IDLE = Duration.ofMinutes(5);

  private final ChangeHistory history;
  private final Bulkhead reads;
  private final WatchSettings settings;
  private final LongSupplier nanoTime;
  private final ConcurrentMap<String, TenantWindow> windows = new ConcurrentHashMap<>();
  private final ScheduledThreadPoolExecutor timers;
  private final ExecutorService fetches;
  private final AtomicInteger waiting = new AtomicInteger();
  private volatile boolean released;

  /**
   * @param reads the bulkhead a watcher's own reads of PostgreSQL take a place in; an answer from
   *     memory, and a parked watcher, take none
   */
  public WatchHub(
      ChangeHistory history,
      Bulkhead reads,
      WatchSettings settings,
      MeterRegistry meters,
      LongSupplier nanoTime) {
    this.history = history;
    this.reads = reads;
    this.settings = settings;
    this.nanoTime = nanoTime;
    this.timers = new ScheduledThreadPoolExecutor(1, daemon("tm-watch-timer"));
    // Cancelled timeouts (answered queries) leave the queue at once instead of at their deadline.
    timers.setRemoveOnCancelPolicy(true);
    // Fetches read PostgreSQL and write to streams; two let one slow stream not stop every tenant.
    this.fetches = Executors.newFixedThreadPool(2, daemon("tm-watch-fetch"));
    Gauge.builder("tm.watch.waiting", waiting, AtomicInteger::get)
        .description("blocking queries parked on this instance")
        .register(meters);
    Gauge.builder("tm.watch.streams", windows, WatchHub::streams)
        .description("event streams open on this instance")
        .register(meters);
    Gauge.builder("tm.watch.tenants", windows, Map::size)
        .description("tenants whose recent changes this instance holds for watchers")
        .register(meters);
  }

  /** Starts the poll of watched tenants and the streams' heartbeats. */
  public void start() {
    long poll = settings.pollInterval().toMillis();
    timers.scheduleWithFixedDelay(this::poll, poll, poll, TimeUnit.MILLISECONDS);
    long beat = settings.heartbeat().toMillis();
    timers.scheduleWithFixedDelay(this::heartbeats, beat, beat, TimeUnit.MILLISECONDS);
  }

  /**
   * A blocking query: the tenant's changes after {@code after} that match, at once when there are
   * any, else the first ones within {@code wait}, else none at the index looked at.
   *
   * @throws IndexGoneException when changes after {@code after} are no longer kept (410)
   * @throws dev.trafficmanager.route.InvalidInputException naming {@code index} when it is beyond
   *     the tenant's history
   */
  public CompletableFuture<WatchAnswer> watch(
      String tenant, long after, ChangeFilter filter, Duration wait) {
    long position = after;
    // Whether PostgreSQL has confirmed the position is no later than the tenant's last index.
    boolean checked = false;
    while (true) {
      TenantWindow window = window(tenant);
      if (released) {
        return CompletableFuture.completedFuture(new WatchAnswer(position, List.of()));
      }
      synchronized (window) {
        if (checked ? window.accepts(position) : window.covers(position)) {
          WatchAnswer answer = window.after(position, filter, WatchSettings.PAGE);
          if (!answer.changes().isEmpty() || wait.isZero()) {
            return CompletableFuture.completedFuture(answer);
          }
          // Under the window's lock: no fetch can slip between the look and the park.
          Waiter waiter = new Waiter(filter, answer.index());
          window.park(waiter, nanoTime.getAsLong());
          return scheduleTimeout(window, waiter, wait);
        }
      }
      // Older than the window, or newer than it has fetched: PostgreSQL answers (and checks).
      ChangeHistory.Page page = read(tenant, position);
      if (page.latest() > window.latest()) {
        refresh(window);
      }
      List<Change> matching = page.changes().stream().filter(c -> c.matches(filter)).toList();
      long next = page.indexAfter(position);
      if (!matching.isEmpty()) {
        return CompletableFuture.completedFuture(new WatchAnswer(next, matching));
      }
      // Nothing (matching) after it in PostgreSQL: look again in the window, and wait there.
      checked = next == position;
      position = next;
    }
  }

  /**
   * Opens an event stream from {@code after}: sends the changes after it that match (from
   * PostgreSQL and the window) before returning, then every later one as it comes.
   *
   * @throws IndexGoneException before anything is sent, when changes after {@code after} are no
   *     longer kept
   * @throws dev.trafficmanager.route.InvalidInputException naming {@code index} when it is beyond
   *     the tenant's history
   */
  public Subscription subscribe(String tenant, long after, ChangeFilter filter, ChangeSink sink) {
    Subscription subscription = new Subscription(filter, sink, after);
    // Held while catching up, so that a fetch's delivery waits until the catch-up is sent.
    synchronized (subscription) {
      long position = after;
      boolean checked = false;
      while (true) {
        TenantWindow window = window(tenant);
        if (released) {
          subscription.close();
          return subscription;
        }
        List<Change> first = null;
        synchronized (window) {
          if (checked ? window.accepts(position) : window.covers(position)) {
            first = window.subscribe(subscription, nanoTime.getAsLong());
          }
        }
        if (first != null) {
          // Outside the window's lock: a slow client holds up only its own stream.
          subscription.send(first);
          return subscription;
        }
        ChangeHistory.Page page = read(tenant, position);
        if (page.latest() > window.latest()) {
          refresh(window);
        }
        subscription.send(page.changes());
        long next = page.indexAfter(position);
        checked = next == position;
        position = next;
      }
    }
  }

  /** The tenant's last change index, where a stream opened without an index starts. */
  public long latest(String tenant) {
    return reads.executeSupplier(() -> history.latest(tenant));
  }

  /**
   * A change of the tenant up to {@code index} was published: fetch it for the tenant's watchers,
   * if it has any here and the window does not hold it yet. Cheap; called by the Kafka tail.
   */
  public void signal(String tenant, long index) {
    TenantWindow window = windows.get(tenant);
    if (window != null && index > window.latest()) {
      refresh(window);
    }
  }

  /** A change of the tenant was committed on this instance: fetch it for its watchers here. */
  public void poke(String tenant) {
    TenantWindow window = windows.get(tenant);
    if (window != null) {
      refresh(window);
    }
  }

  /**
   * Answers every parked query (no changes, at its position) and ends every stream, and answers any
   * later query at once: the server is stopping and must not wait out their waits.
   */
  public void release() {
    released = true;
    for (TenantWindow window : windows.values()) {
      TenantWindow.Deliveries all = window.drain();
      all.answered().forEach(this::answerEmpty);
      all.streams().forEach(Subscription::close);
    }
    windows.clear();
  }

  @Override
  public void close() {
    release();
    timers.shutdownNow();
    fetches.shutdownNow();
  }

  private TenantWindow window(String tenant) {
    TenantWindow window = windows.get(tenant);
    if (window == null) {
      long latest = latest(tenant);
      window =
          windows.computeIfAbsent(
              tenant, t -> new TenantWindow(t, settings.window(), latest, nanoTime.getAsLong()));
    }
    return window;
  }

  private ChangeHistory.Page read(String tenant, long after) {
    return reads.executeSupplier(() -> history.after(tenant, after, WatchSettings.PAGE));
  }

  private CompletableFuture<WatchAnswer> scheduleTimeout(
      TenantWindow window, Waiter waiter, Duration wait) {
    waiting.incrementAndGet();
    waiter.timeout =
        timers.schedule(
            () -> {
              if (window.unpark(waiter)) {
                answerEmpty(waiter);
              }
            },
            wait.toMillis(),
            TimeUnit.MILLISECONDS);
    waiter.answer.whenComplete((answer, failure) -> waiting.decrementAndGet());
    return waiter.answer;
  }

  private void answerEmpty(Waiter waiter) {
    // Taken out of its window under the window's lock, which also guarded its position.
    waiter.answerEmpty();
  }

  /** Fetches the window's new changes, unless a fetch is running: then that one goes on. */
  private void refresh(TenantWindow window) {
    window.stale.set(true);
    if (window.fetching.compareAndSet(false, true)) {
      try {
        fetches.execute(() -> fetch(window));
      } catch (RejectedExecutionException stopped) {
        window.fetching.set(false);
      }
    }
  }

  private void fetch(TenantWindow window) {
    try {
      while (window.stale.getAndSet(false)) {
        ChangeHistory.Page page;
        do {
          page = history.after(window.tenant, window.latest(), WatchSettings.PAGE);
          deliver(window.append(page.changes(), WatchSettings.PAGE), page.changes());
        } while (page.changes().size() == WatchSettings.PAGE);
      }
    } catch (IndexGoneException e) {
      // The window fell behind the retention (a fetch failing for longer than it): its watchers
      // must relist.
      log.warn("event=watch_window_gone tenant={}", window.tenant);
      windows.remove(window.tenant, window);
      TenantWindow.Deliveries all = window.reset();
      all.answered().forEach(w -> w.answer.completeExceptionally(e));
      all.streams().forEach(Subscription::close);
    } catch (RuntimeException e) {
      // PostgreSQL unavailable: the next signal or poll fetches again.
      log.warn("event=watch_fetch_failed tenant={} error=\"{}\"", window.tenant, e.toString());
    } finally {
      window.fetching.set(false);
      if (window.stale.get()) {
        refresh(window);
      }
    }
  }

  private void deliver(TenantWindow.Deliveries deliveries, List<Change> fetched) {
    for (int i = 0; i < deliveries.answered().size(); i++) {
      Waiter waiter = deliveries.answered().get(i);
      waiter.timeout.cancel(false);
      waiter.answer.complete(deliveries.answers().get(i));
    }
    if (!fetched.isEmpty()) {
      for (Subscription stream : deliveries.streams()) {
        stream.send(fetched);
      }
    }
  }

  /** Reads the watched tenants' indexes in one query and fetches for those that moved. */
  private void poll() {
    try {
      long now = nanoTime.getAsLong();
      windows.forEach(
          (tenant, window) -> {
            if (window.retireIfIdle(now, IDLE.toNanos())) {
              windows.remove(tenant, window);
            }
          });
      List<String> watched =
          windows.entrySet().stream()
              .filter(e -> e.getValue().inUse())
              .map(Map.Entry::getKey)
              .toList();
      history
          .latest(watched)
          .forEach(
              (tenant, latest) -> {
                TenantWindow window = windows.get(tenant);
                if (window != null && latest > window.latest()) {
                  refresh(window);
                }
              });
    } catch (RuntimeException e) {
      log.warn("event=watch_poll_failed error=\"{}\"", e.toString());
    }
  }

  private void heartbeats() {
    for (TenantWindow window : windows.values()) {
      for (Subscription stream : window.subscriptions()) {
        stream.heartbeat();
      }
    }
  }

  private static double streams(Map<String, TenantWindow> windows) {
    return windows.values().stream().mapToInt(TenantWindow::streams).sum();
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
