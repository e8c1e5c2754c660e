package dev.trafficmanager.api.resolve;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * A WARN line logged at most once per interval, with the number of occurrences it stands for: a
 * cache that is down fails every read, and a line per read would drown the log.
 */
final class RateLimitedWarning {
  private final Logger log;
  private final long intervalNanos;
  private final AtomicLong lastLoggedAt;
  private final AtomicLong occurrences = new AtomicLong();

  RateLimitedWarning(Logger log, Duration interval) {
    this.log = log;
    this.intervalNanos = interval.toNanos();
    this.lastLoggedAt = new AtomicLong(System.nanoTime() - intervalNanos);
  }

  /**
   * Counts one occurrence; logs {@code message} with {@code occurrences=n} when the interval is up.
   */
  void occurred(String message, Throwable cause) {
    occurrences.incrementAndGet();
    long last = lastLoggedAt.get();
    long now = System.nanoTime();
    if (now - last >= intervalNanos && lastLoggedAt.compareAndSet(last, now)) {
      log.warn(
          "{} occurrences={} error=\"{}\"", message, occurrences.getAndSet(0), cause.toString());
    }
  }
}
