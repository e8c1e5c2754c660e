package dev.trafficmanager.processor;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.streams.errors.MissingSourceTopicException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to a stream thread that died. A failure that a new thread would only meet again (a
 * missing source topic, refused credentials or permissions, a broker without the exactly-once
 * protocol, a JVM {@link Error}) shuts the client down, so that its state turns ERROR and the
 * service reports itself down. Anything else replaces the thread, within a budget: a record that
 * fails the same way every time would otherwise replace threads forever, so past {@code
 * maxReplacements} within {@code window} the client shuts down too.
 */
final class ThreadFailurePolicy implements StreamsUncaughtExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(ThreadFailurePolicy.class);
  private static final int MAX_CAUSE_DEPTH = 32;

  private final int maxReplacements;
  private final Duration window;
  private final InstantSource clock;
  private final Deque<Instant> replacements = new ArrayDeque<>();

  ThreadFailurePolicy(int maxReplacements, Duration window, InstantSource clock) {
    this.maxReplacements = maxReplacements;
    this.window = window;
    this.clock = clock;
  }

  @Override
  public synchronized StreamThreadExceptionResponse handle(Throwable failure) {
    if (isFatal(failure)) {
      log.error("stream thread failed beyond recovery, shutting the client down", failure);
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
    Instant now = clock.instant();
    Instant windowStart = now.minus(window);
    while (!replacements.isEmpty() && replacements.peekFirst().isBefore(windowStart)) {
      replacements.removeFirst();
    }
    if (replacements.size() >= maxReplacements) {
      log.error(
          "stream thread failed again, shutting the client down replacements={} window={}",
          replacements.size(),
          window,
          failure);
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
    replacements.addLast(now);
    log.error("stream thread failed, replacing it replacements={}", replacements.size(), failure);
    return StreamThreadExceptionResponse.REPLACE_THREAD;
  }

  static boolean isFatal(Throwable failure) {
    Throwable cause = failure;
    for (int depth = 0; cause != null && depth < MAX_CAUSE_DEPTH; depth++) {
      if (cause instanceof Error
          || cause instanceof MissingSourceTopicException
          || cause instanceof AuthenticationException
          || cause instanceof AuthorizationException
          || cause instanceof UnsupportedVersionException) {
        return true;
      }
      cause = cause.getCause();
    }
    return false;
  }
}
