package dev.trafficmanager.app.bench;

import dev.trafficmanager.app.operate.progress.Progress;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a {@link Scenario} from a fixed number of threads, each sending one request at a time and
 * the next as soon as the answer is in (a closed loop, like kafka-producer-perf-test without a
 * throughput cap), and shows progress on the way.
 *
 * <p>A phase sends no request after its end; the requests in flight then are waited for and
 * counted, and its measured time runs until the last answer is in. A warm-up is a phase of its own
 * whose result is dropped, so that whatever is read between the two (such as {@code /metrics}) sees
 * only the measured load.
 */
final class LoadRunner {
  private static final long FOREVER = Long.MAX_VALUE;
  // Often enough for a live progress bar; the main thread does nothing else meanwhile.
  private static final long PROGRESS_TICK_MILLIS = 100;

  private final RouteApi api;
  private final int threads;
  private final PrintWriter progressOut;
  private final Progress.Style progressStyle;
  private volatile boolean stopped;

  LoadRunner(RouteApi api, int threads, PrintWriter progressOut, Progress.Style progressStyle) {
    this.api = api;
    this.threads = threads;
    this.progressOut = progressOut;
    this.progressStyle = progressStyle;
  }

  /** Runs the scenario until it has nothing more to send; {@code total}: how many it will send. */
  PhaseResult untilDone(Scenario scenario, long total) throws InterruptedException {
    return run(scenario.name(), scenario, FOREVER, total);
  }

  /** Runs the scenario for {@code warmup} and drops what it measured; nothing if zero. */
  void warmUp(Scenario scenario, Duration warmup) throws InterruptedException {
    if (!warmup.isZero()) {
      run(scenario.name() + " warm-up", scenario, warmup.toNanos(), -1);
    }
  }

  /** Runs the scenario for {@code duration}. */
  PhaseResult timed(Scenario scenario, Duration duration) throws InterruptedException {
    return run(scenario.name(), scenario, duration.toNanos(), -1);
  }

  /** Ends the phase running now, and every later one at once: no more requests are sent. */
  void stop() {
    stopped = true;
  }

  boolean isStopped() {
    return stopped;
  }

  private PhaseResult run(String label, Scenario scenario, long durationNanos, long total)
      throws InterruptedException {
    LatencyRecorder recorder = new LatencyRecorder();
    long start = System.nanoTime();
    long until = durationNanos == FOREVER ? FOREVER : start + durationNanos;
    AtomicInteger threadNumber = new AtomicInteger();
    ExecutorService workers =
        Executors.newFixedThreadPool(
            threads,
            task ->
                new Thread(
                    task, "bench-" + scenario.name() + "-" + threadNumber.incrementAndGet()));
    List<Future<?>> sending = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        sending.add(
            workers.submit(
                () -> {
                  send(scenario, until, recorder);
                  return null;
                }));
      }
      workers.shutdown();
      Progress progress = Progress.start(progressOut, label, "requests", total, progressStyle);
      while (!workers.awaitTermination(PROGRESS_TICK_MILLIS, TimeUnit.MILLISECONDS)) {
        progress.update(recorder.requests());
      }
      long end = System.nanoTime();
      progress.update(recorder.requests());
      progress.finish();
      for (Future<?> worker : sending) {
        worker.get();
      }
      return recorder.result(scenario.name(), Duration.ofNanos(end - start));
    } catch (ExecutionException e) {
      throw new IllegalStateException("a bench thread failed: " + e.getCause(), e.getCause());
    } finally {
      workers.shutdownNow();
    }
  }

  private void send(Scenario scenario, long until, LatencyRecorder recorder)
      throws InterruptedException {
    while (!stopped) {
      long sentAt = System.nanoTime();
      if (until != FOREVER && sentAt - until >= 0) {
        return;
      }
      Optional<Scenario.Call> call = scenario.next();
      if (call.isEmpty()) {
        return;
      }
      try {
        int status = api.send(call.get().request());
        recorder.answered(status, System.nanoTime() - sentAt);
        scenario.answered(call.get(), status);
      } catch (IOException e) {
        recorder.failed(Failures.describe(e));
      }
    }
  }
}
