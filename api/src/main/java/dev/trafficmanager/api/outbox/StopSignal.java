package dev.trafficmanager.api.outbox;

import java.time.Duration;

/** The relay's stop switch: {@link #stop()} ends every pause in progress and every later one. */
final class StopSignal implements Pauses {
  private final Object monitor = new Object();
  private volatile boolean stopping;

  void stop() {
    stopping = true;
    synchronized (monitor) {
      monitor.notifyAll();
    }
  }

  @Override
  public boolean stopping() {
    return stopping;
  }

  /** An interrupted pause counts as a request to stop; the interrupt flag is kept. */
  @Override
  public void pause(Duration duration) {
    long deadline = System.nanoTime() + duration.toNanos();
    synchronized (monitor) {
      long left;
      while (!stopping && (left = deadline - System.nanoTime()) > 0) {
        try {
          monitor.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          stopping = true;
        }
      }
    }
  }
}
