package dev.trafficmanager.app;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Owns what a command started and stops it in reverse order, once.
 *
 * <p>SIGTERM and SIGINT are taken over instead of left to the JVM's shutdown hooks because hooks
 * run concurrently and in no set order: embedded PostgreSQL and Redis register hooks of their own
 * and would be killed while the API, relay, processor and consumers are still draining into them.
 * Here the services stop first, then the servers they use; the JVM exits after that.
 */
final class ServiceLifecycle implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServiceLifecycle.class);

  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final CountDownLatch stopRequested = new CountDownLatch(1);

  /** Registers something already started; it is closed before everything registered earlier. */
  synchronized <T extends AutoCloseable> T started(T service) {
    started.push(service);
    return service;
  }

  /** Blocks until SIGTERM or SIGINT (Ctrl-C), then stops everything in order. */
  void awaitShutdownSignal() throws InterruptedException {
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(
          new Signal(name),
          signal -> {
            log.info("received SIG{}, stopping", signal.getName());
            stopRequested.countDown();
          });
    }
    // Any other way out of the JVM (System.exit elsewhere, SIGHUP) still stops what it can.
    Runtime.getRuntime().addShutdownHook(new Thread(this::close, "lifecycle-shutdown"));
    stopRequested.await();
    close();
  }

  @Override
  public synchronized void close() {
    while (!started.isEmpty()) {
      AutoCloseable service = started.pop();
      try {
        service.close();
      } catch (Exception e) {
        log.warn("stopping {} failed", service.getClass().getSimpleName(), e);
      }
    }
    stopRequested.countDown();
  }
}
