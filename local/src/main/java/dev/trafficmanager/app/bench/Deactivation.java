package dev.trafficmanager.app.bench;

import dev.trafficmanager.resilience.Backoff;
import dev.trafficmanager.route.RouteKey;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Deactivates the routes of a run at its end. Unlike the measured phases, it retries what the API
 * shed (503), refused for the tenant's write rate (429) or did not answer, with the project's
 * full-jitter backoff, a few times per route: it is the run's promise to leave nothing active
 * behind, not a measurement. Once one route has failed every attempt, the routes not tried yet are
 * given up at once.
 */
final class Deactivation {
  private static final int MAX_ATTEMPTS = 5;
  private static final int RATE_LIMITED = 429;
  private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));

  private final RouteApi api;
  private final int threads;
  private volatile String givenUp;

  Deactivation(RouteApi api, int threads) {
    this.api = api;
    this.threads = threads;
  }

  /** How many routes are deactivated, how many not, and why the first of those was not. */
  record Result(int deactivated, int failed, String firstFailure) {}

  Result deactivate(List<RouteKey> routes) throws InterruptedException {
    ExecutorService workers =
        Executors.newFixedThreadPool(threads, task -> new Thread(task, "bench-deactivate"));
    try {
      List<Callable<Optional<String>>> tasks = new ArrayList<>();
      for (RouteKey route : routes) {
        tasks.add(() -> deactivate(route));
      }
      int deactivated = 0;
      List<String> failures = new ArrayList<>();
      for (Future<Optional<String>> outcome : workers.invokeAll(tasks)) {
        Optional<String> failure = outcome.get();
        if (failure.isEmpty()) {
          deactivated++;
        } else {
          failures.add(failure.get());
        }
      }
      return new Result(deactivated, failures.size(), failures.isEmpty() ? "" : failures.get(0));
    } catch (ExecutionException e) {
      throw new IllegalStateException("deactivation failed: " + e.getCause(), e.getCause());
    } finally {
      workers.shutdownNow();
    }
  }

  /** Empty once the route is inactive; otherwise why it is not. */
  private Optional<String> deactivate(RouteKey route) throws InterruptedException {
    String gaveUp = givenUp;
    if (gaveUp != null) {
      return Optional.of(route + ": not tried after " + gaveUp);
    }
    String failure = "";
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (attempt > 0) {
        TimeUnit.NANOSECONDS.sleep(BACKOFF.delay(attempt - 1).toNanos());
      }
      try {
        int status = api.send(api.deactivate(route));
        if (PhaseResult.isSuccess(status)) {
          return Optional.empty();
        }
        failure = route + ": " + status;
        if (status != PhaseResult.SHED && status != RATE_LIMITED) {
          return Optional.of(failure);
        }
      } catch (IOException e) {
        failure = route + ": " + Failures.describe(e);
      }
    }
    // An API that sheds or ignores every attempt at one route is down or overloaded: waiting out
    // the same retries for every other route would only hold the operator up.
    givenUp = failure;
    return Optional.of(failure);
  }
}
