package dev.trafficmanager.app.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trafficmanager.client.Resolution;
import dev.trafficmanager.client.TrafficManagerClient;
import dev.trafficmanager.route.RouteKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;

/**
 * {@code bench --scenario client}: a {@code TrafficManagerClient} follows the run's tenant while
 * its routes' URLs are changed at {@code rate} a second, and reports the replica's lag: the time
 * from a write's acknowledgement (its answer received) to the client's replica answering that
 * revision or a later one (p50, p99, max), found by checking the writes not yet seen every 0.2 ms.
 */
final class ClientBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ROUTES = 10;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
  // After the last write, how long the writes not yet seen are waited for.
  private static final Duration GRACE = Duration.ofSeconds(10);
  private static final long CHECK_INTERVAL_NANOS = 200_000;

  private final RouteApi api;
  private final String token;
  private final PrintWriter notes;
  private final ConcurrentLinkedQueue<Acknowledged> unseen = new ConcurrentLinkedQueue<>();
  // Written by the checking thread only, read once it has stopped.
  private final Histogram lagMicros = new Histogram(3);

  ClientBench(RouteApi api, String token, PrintWriter notes) {
    this.api = api;
    this.token = token;
    this.notes = notes;
  }

  /** A write the API acknowledged at {@code nanos}, leaving the route at {@code revision}. */
  private record Acknowledged(RouteKey route, long revision, long nanos) {}

  /** What the run measured. */
  record Result(
      long writes, long seen, long neverSeen, long failures, double p50, double p99, double max) {
    void print(PrintWriter out) {
      out.printf(
          Locale.ROOT,
          "client: %,d writes acknowledged, %,d seen by the replica, %,d never seen, %,d failed%n"
              + "  write acknowledged -> replica answers it: p50 %.2f ms, p99 %.2f ms, max %.2f"
              + " ms%n",
          writes,
          seen,
          neverSeen,
          failures,
          p50,
          p99,
          max);
      out.flush();
    }
  }

  /**
   * Runs the scenario.
   *
   * @throws SetupFailed when the routes cannot be created or the replica is not ready
   */
  Result run(String tenant, int rate, Duration duration, BooleanSupplier stopped)
      throws InterruptedException, IOException {
    List<RouteKey> routes = new ArrayList<>();
    for (int i = 0; i < ROUTES; i++) {
      RouteKey route = new RouteKey(tenant, "replicated-" + i, "prod", "v1");
      SetupFailed.unless(
          status -> status == 201,
          "creating a route",
          api.exchange(api.create(route, "https://r" + i + ".example")));
      routes.add(route);
    }
    try (TrafficManagerClient client =
        TrafficManagerClient.builder()
            .baseUrl(api.base().toString())
            .token(token)
            .tenant(tenant)
            .build()) {
      if (!client.awaitReady(READY_TIMEOUT)) {
        throw new SetupFailed(
            "the client's replica was not ready within 30 s: "
                + client.replicaStatus().lastFailure().orElse("no failure reported"));
      }
      notes.printf(
          Locale.ROOT,
          "client: replica ready; changing %d routes %d times a second…%n",
          ROUTES,
          rate);
      notes.flush();
      AtomicBoolean writing = new AtomicBoolean(true);
      Thread checker = new Thread(() -> check(client, writing), "bench-replica-check");
      checker.start();
      long writes = 0;
      long failures = 0;
      long periodNanos = 1_000_000_000L / rate;
      long end = System.nanoTime() + duration.toNanos();
      long next = System.nanoTime();
      try {
        while (System.nanoTime() < end && !stopped.getAsBoolean()) {
          RouteKey route = routes.get((int) (writes % ROUTES));
          HttpResponse<String> written =
              api.exchange(api.changeUrl(route, "https://" + route.service() + "/" + writes));
          long acknowledged = System.nanoTime();
          writes++;
          if (written.statusCode() == 200) {
            long revision = JSON.readTree(written.body()).path("revision").asLong();
            unseen.add(new Acknowledged(route, revision, acknowledged));
          } else {
            failures++;
          }
          next += periodNanos;
          LockSupport.parkNanos(next - System.nanoTime());
        }
      } finally {
        writing.set(false);
        checker.join();
        for (RouteKey route : routes) {
          api.exchange(api.deactivate(route));
        }
      }
      long neverSeen = unseen.size();
      return new Result(
          writes - failures,
          lagMicros.getTotalCount(),
          neverSeen,
          failures,
          lagMicros.getValueAtPercentile(50) / 1000.0,
          lagMicros.getValueAtPercentile(99) / 1000.0,
          lagMicros.getMaxValue() / 1000.0);
    }
  }

  /** Until the writes are done and the last is seen (or the grace is over): records each lag. */
  private void check(TrafficManagerClient client, AtomicBoolean writing) {
    long graceEnd = Long.MAX_VALUE;
    while (!unseen.isEmpty() || writing.get()) {
      if (!writing.get() && graceEnd == Long.MAX_VALUE) {
        graceEnd = System.nanoTime() + GRACE.toNanos();
      }
      if (System.nanoTime() > graceEnd) {
        return;
      }
      for (Iterator<Acknowledged> it = unseen.iterator(); it.hasNext(); ) {
        Acknowledged write = it.next();
        Optional<Resolution> answer =
            client.resolve(write.route().service(), write.route().env(), write.route().version());
        if (answer.isPresent()
            && answer.get().source() == Resolution.Source.REPLICA
            && answer.get().revision() >= write.revision()) {
          lagMicros.recordValue(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - write.nanos()));
          it.remove();
        }
      }
      LockSupport.parkNanos(CHECK_INTERVAL_NANOS);
    }
  }
}
