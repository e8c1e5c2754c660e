package dev.trafficmanager.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
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
  private static final String ROUTES = "/api/v1/routes";

  private final URI base;
  private final PrintWriter notes;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private final Map<Long, Long> sentNanosByRevision = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Long> latenciesNanos = new ConcurrentLinkedQueue<>();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicBoolean stopping = new AtomicBoolean();

  WatchBench(URI base, PrintWriter notes) {
    this.base = base;
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

  Result run(String tenant, int watchers, int rate, Duration duration, BooleanSupplier stopped)
      throws InterruptedException {
    String key = tenant + "/watched/prod/v1";
    send(
        "POST",
        ROUTES,
        "{\"tenant\":\""
            + tenant
            + "\",\"service\":\"watched\",\"env\":\"prod\",\"version\":\"v1\","
            + "\"url\":\"https://watched.example/0\"}");
    long index = json(send("GET", ROUTES + "/" + key, null).body()).path("index").asLong();
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
            send(
                "PUT",
                ROUTES + "/" + key,
                "{\"url\":\"https://watched.example/" + (writes + 1) + "\"}");
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
    send(
        "POST",
        ROUTES + "/deactivate",
        "{\"tenant\":\""
            + tenant
            + "\",\"service\":\"watched\","
            + "\"env\":\"prod\",\"version\":\"v1\"}");
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
    HttpRequest request =
        HttpRequest.newBuilder(
                base.resolve(ROUTES + "/watch?tenant=" + tenant + "&index=" + index + "&wait=5m"))
            .timeout(Duration.ofMinutes(6))
            .build();
    http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
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
    return metric("jvm_memory_used_bytes", "area=\"heap\"");
  }

  private long gauge(String name) {
    return metric(name, "");
  }

  /** The sum of a metric's series whose labels contain {@code labels}. */
  private long metric(String name, String labels) {
    String text = send("GET", "/metrics", null).body();
    double sum = 0;
    for (String line : text.split("\n", -1)) {
      if ((line.startsWith(name + "{") || line.startsWith(name + " ")) && line.contains(labels)) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return (long) sum;
  }

  private HttpResponse<String> send(String method, String path, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
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
