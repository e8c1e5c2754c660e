package dev.trafficmanager.health;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process's shutdown switch and in-flight request count, shared by everything in the process.
 *
 * <p>On SIGTERM the process calls {@link #startDraining()}: from then on readiness reports DOWN
 * (the load balancer stops sending traffic) and request handlers answer 503 with {@code
 * Retry-After}; then it calls {@link #awaitIdle(Duration)} to let requests already in flight finish
 * before it closes its connections. Draining never ends: a process that drains is on its way out.
 *
 * <p>A request handler enters first and checks second, so that no request can slip in unseen
 * between the switch and the wait:
 *
 * <pre>{@code
 * try (Draining.InFlight request = draining.enter()) {
 *   if (draining.isDraining()) { answer 503; return; }
 *   handle();
 * }
 * }</pre>
 *
 * Metrics: {@code tm_draining} (1 while draining) and {@code tm_in_flight_requests}.
 */
public final class Draining implements MeterBinder {
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Object idle = new Object();
  private volatile boolean draining;

  /** Counts a request in flight until the returned token is closed (closing twice is harmless). */
  public InFlight enter() {
    inFlight.incrementAndGet();
    return new InFlight();
  }

  /** Turns readiness off for good. Idempotent. */
  public void startDraining() {
    draining = true;
  }

  public boolean isDraining() {
    return draining;
  }

  public int inFlight() {
    return inFlight.get();
  }

  /**
   * Waits until no request is in flight.
   *
   * @return true if none was in flight within {@code timeout}; false if some still were
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (idle) {
      while (inFlight.get() > 0) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(idle, remaining);
      }
      return true;
    }
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("tm.draining", this, d -> d.isDraining() ? 1 : 0)
        .description("1 while the process drains before it stops")
        .register(registry);
    Gauge.builder("tm.in.flight.requests", this, Draining::inFlight)
        .description("Requests being handled now")
        .register(registry);
  }

  private void exit() {
    if (inFlight.decrementAndGet() == 0) {
      synchronized (idle) {
        idle.notifyAll();
      }
    }
  }

  /** One request in flight; closing it ends the request's count. */
  public final class InFlight implements AutoCloseable {
    private final AtomicBoolean closed = new AtomicBoolean();

    private InFlight() {}

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        exit();
      }
    }
  }
}
