package dev.trafficmanager.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trafficmanager.route.RouteKey;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * URL changes to random routes of the run at a fixed rate, on a schedule fixed in advance (an open
 * loop, like wrk2): the n-th write is due at {@code start + n / rate} whether or not earlier ones
 * have been answered, so a stall of the API shows as latency of every write due during it rather
 * than as writes not sent (no coordinated omission). Each write's latency runs from when it was due
 * to its answer's headers.
 *
 * <p>For every acknowledged write it keeps the route and revision of the answer and its
 * acknowledgement time: when the answer's status line and headers arrived ({@link
 * RouteApi.TimedBody}), on {@link System#nanoTime}, the clock the taps use.
 */
final class FixedRateWrites {
  // An answer longer than the request timeout is an error already; this only bounds the wait.
  private static final Duration ANSWER_WAIT = Duration.ofSeconds(30);
  private static final ObjectMapper json = new ObjectMapper();

  private final RouteApi api;
  private final List<RouteKey> routes;
  private final int rate;
  private final AtomicLong writes = new AtomicLong();

  FixedRateWrites(RouteApi api, List<RouteKey> routes, int rate) {
    this.api = api;
    this.routes = List.copyOf(routes);
    this.rate = rate;
  }

  /** What was sent: the answers, and the acknowledged revisions with their answer times. */
  record Result(PhaseResult writes, Map<String, Long> acknowledged) {}

  /** Sends for {@code duration}, or until {@code stopped}, then waits for every answer. */
  Result run(Duration duration, BooleanSupplier stopped) throws InterruptedException {
    LatencyRecorder recorder = new LatencyRecorder();
    Map<String, Long> acknowledged = new ConcurrentHashMap<>();
    long periodNanos = TimeUnit.SECONDS.toNanos(1) / rate;
    long total = Math.max(1, duration.toNanos() / periodNanos);
    List<CompletableFuture<Void>> answers = new ArrayList<>();
    long start = System.nanoTime();
    for (long n = 0; n < total && !stopped.getAsBoolean(); n++) {
      long due = start + n * periodNanos;
      long wait;
      while ((wait = due - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
      RouteKey route = routes.get(ThreadLocalRandom.current().nextInt(routes.size()));
      String url = WriteScenario.BASE_URL + "/" + route.version() + "/l" + writes.incrementAndGet();
      answers.add(
          api.sendAsyncTimed(api.changeUrl(route, url))
              .handle(
                  (answer, failure) -> {
                    if (failure != null) {
                      recorder.failed(Failures.describe(unwrap(failure)));
                      return null;
                    }
                    // The acknowledgement is when the answer's headers arrived, not now: this
                    // callback runs after the body has been read, on whichever thread is free.
                    long acked = answer.body().headersNanos();
                    recorder.answered(answer.statusCode(), acked - due);
                    if (PhaseResult.isSuccess(answer.statusCode())) {
                      acknowledged.put(Arrivals.key(route, revision(answer.body().body())), acked);
                    }
                    return null;
                  }));
    }
    try {
      CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
          .get(ANSWER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // Each failure is counted by its handler; a write still unanswered is simply not counted.
    }
    long end = System.nanoTime();
    return new Result(
        recorder.result("writes", Duration.ofNanos(end - start)), Map.copyOf(acknowledged));
  }

  private static long revision(String answer) {
    try {
      JsonNode route = json.readTree(answer);
      return route.path("revision").asLong();
    } catch (IOException e) {
      throw new IllegalStateException("a 2xx write answer is the route as JSON", e);
    }
  }

  private static Throwable unwrap(Throwable failure) {
    return failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
        ? failure.getCause()
        : failure;
  }
}
