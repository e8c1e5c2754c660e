package dev.trafficmanager.resilience;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Waits between attempts; tests hand in one that records the wait and returns at once. */
@FunctionalInterface
public interface Sleeper {
  void sleep(Duration duration) throws InterruptedException;

  /** Blocks the calling thread. */
  static Sleeper threadSleep() {
    return duration -> TimeUnit.NANOSECONDS.sleep(duration.toNanos());
  }
}
