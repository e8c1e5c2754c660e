package dev.trafficmanager.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trafficmanager.route.RouteKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * {@code bench --scenario watch}: holds {@code watchers} blocking queries on one route of the run's
 * tenant on the API under test, changes the route at {@code rate} a second, and reports how many
 * watchers the API held, how long from a write being sent to each watcher receiving its change
 * (p50, p99), and the API's heap before and with the watchers (its {@code /metrics}).
 */
final class WatchBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofMinutes(5);

  private final RouteApi api;
  private final PrintWriter notes;
  private final Map<Long, Long> sentNanosByRevision = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Long> latenciesNanos = new ConcurrentLinkedQueue<>();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicBoolean stopping = new AtomicBoolean();

  WatchBench(RouteApi api, PrintWriter notes) {
    this.api = api;
    this.notes = notes;
  }

  /** What the run measured. */
  record Result(
      int watchers,
      long watchersHeld,
      long writes,
      long deliveries,
      long failures,
      double p50Millis,
      double p99Millis,
      long heapBeforeBytes,
      long heapWithWatchersBytes) {
    long bytesPerWatcher() {
      return watchersHeld == 0 ? 0 : (heapWithWatchersBytes - heapBeforeBytes) / watchersHeld;
    }

    void print(PrintWriter out) {
      out.printf(
          Locale.ROOT,
          "watch: %,d watchers opened, %,d held by the API; %,d writes, %,d deliveries, %,d"
              + " failures%n"
              + "  write sent -> change received: p50 %.1f ms, p99 %.1f ms%n"
              + "  API heap: %,d KiB before, %,d KiB with the watchers: about %,d bytes a watcher"
              + " (heap used, not after a full GC: indicative)%n",
          watchers,
          watchersHeld,
          writes,
          deliveries,
          failures,
          p50Millis,
          p99Millis,
          heapBeforeBytes / 1024,
          heapWithWatchersBytes / 1024,
          bytesPerWatcher());
      out.flush();
    }
  }

  /**
   * Runs the scenario.
   *
   * @throws SetupFailed when the watched route cannot be created or read, naming the API's answer
   */
  Result run(String tenant, int watchers, int rate, Duration duration, BooleanSupplier stopped)
      throws InterruptedException {
    RouteKey route = new RouteKey(tenant, "watched", "prod", "v1");
    SetupFailed.unless(
        WatchBench::isSuccess,
        "creating the watched route",
        send(api.create(route, "https://watched.example/0")));
    HttpResponse<String> read = send(api.read(route));
    SetupFailed.unless(WatchBench::isSuccess, "reading the watched route", read);
    long index = json(read.body()).path("index").asLong();
    long heapBefore = heapUsed();
    notes.printf(Locale.ROOT, "watch: opening %,d watchers from index %d…%n", watchers, index);
    notes.flush();
    for (int i = 0; i < watchers; i++) {
      watch(tenant, index);
    }
    long held = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (held < watchers && System.nanoTime() < deadline && !stopped.getAsBoolean()) {
      Thread.sleep(500);
      held = gauge("tm_watch_waiting");
    }
    long heapWith = heapUsed();
    notes.printf(Locale.ROOT, "watch: %,d held; writing %d a second…%n", held, rate);
    notes.flush();
    long writes = 0;
    long periodNanos = 1_000_000_000L / Math.max(1, rate);
    long end = System.nanoTime() + duration.toNanos();
    long next = System.nanoTime();
    while (System.nanoTime() < end && !stopped.getAsBoolean()) {
      long sent = System.nanoTime();
      try {
        HttpResponse<String> written =
            send(api.changeUrl(route, "https://watched.example/" + (writes + 1)));
        if (written.statusCode() == 200) {
          sentNanosByRevision.put(json(written.body()).path("revision").asLong(), sent);
        } else {
          failures.incrementAndGet();
        }
      } catch (UncheckedIOException timedOut) {
        // The API is saturated by the watchers coming back: counted, and the run goes on.
        failures.incrementAndGet();
      }
      writes++;
      next += periodNanos;
      long pause = next - System.nanoTime();
      if (pause > 0) {
        Thread.sleep(pause / 1_000_000, (int) (pause % 1_000_000));
      }
    }
    // The last change's deliveries.
    Thread.sleep(5000);
    stopping.set(true);
    send(api.deactivate(route));
    List<Long> sorted = new ArrayList<>(latenciesNanos);
    Collections.sort(sorted);
    return new Result(
        watchers,
        held,
        writes,
        sorted.size(),
        failures.get(),
        percentile(sorted, 0.50),
        percentile(sorted, 0.99),
        heapBefore,
        heapWith);
  }

  /** One watcher: a blocking query, then the next from its answer's index, until the run ends. */
  private void watch(String tenant, long index) {
    if (stopping.get()) {
      return;
    }
    api.sendAsync(api.watch(tenant, index, WAIT))
        .whenComplete(
            (response, failure) -> {
              long now = System.nanoTime();
              if (failure != null || response.statusCode() != 200) {
                failures.incrementAndGet();
                return;
              }
              JsonNode answer = json(response.body());
              for (JsonNode change : answer.path("changes")) {
                Long sent = sentNanosByRevision.get(change.path("revision").asLong());
                if (sent != null) {
                  latenciesNanos.add(now - sent);
                }
              }
              watch(tenant, answer.path("index").asLong());
            });
  }

  private long heapUsed() {
    return metrics()
        .countsBy("jvm_memory_used_bytes", "area")
        .map(byArea -> byArea.getOrDefault("heap", 0L))
        .orElse(0L);
  }

  private long gauge(String name) {
    return metrics()
        .countsBy(name, "")
        .map(all -> all.values().stream().mapToLong(Long::longValue).sum())
        .orElse(0L);
  }

  private MetricsText metrics() {
    return new MetricsText(send(api.metrics()).body());
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return api.exchange(request);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static boolean isSuccess(int status) {
    return status / 100 == 2;
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static double percentile(List<Long> sorted, double p) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int at = (int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1);
    return sorted.get(Math.max(0, at)) / 1_000_000.0;
  }
}
