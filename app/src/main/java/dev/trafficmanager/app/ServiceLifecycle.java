package dev.trafficmanager.app;

import dev.trafficmanager.health.Draining;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns what a process started and stops it in reverse order, once, draining first.
 *
 * <p>On SIGTERM or SIGINT: readiness turns 503 at once while requests are still served for the
 * grace period (so load balancers stop sending), then each service stops in the reverse of its
 * start: the API finishes its in-flight requests and flushes the relay, Streams and consumers
 * commit, and the servers they used go last.
 *
 * <p>The signals are taken over instead of left to the JVM's shutdown hooks because hooks run
 * concurrently and in no set order: embedded PostgreSQL and Redis register hooks of their own and
 * would be killed while the services are still draining into them.
 */
final class ServiceLifecycle implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServiceLifecycle.class);

  private final Draining draining;
  private final Duration grace;
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final CountDownLatch stopRequested = new CountDownLatch(1);

  ServiceLifecycle(Draining draining, Duration grace) {
    this.draining = draining;
    this.grace = grace;
  }

  /** Registers something already started; it is closed before everything registered earlier. */
  synchronized <T extends AutoCloseable> T started(T service) {
    started.push(service);
    return service;
  }

  /** Blocks until SIGTERM or SIGINT (Ctrl-C), then drains and stops everything in order. */
  void awaitShutdownSignal() throws InterruptedException {
    for (String name : new String[] {"TERM", "INT"}) {
      onSignal(name, stopRequested::countDown);
    }
    // Any other way out of the JVM (System.exit elsewhere, SIGHUP) still stops what it can.
    Runtime.getRuntime().addShutdownHook(new Thread(this::close, "lifecycle-shutdown"));
    stopRequested.await();
    drain();
    close();
  }

  /**
   * Runs {@code action} when the process receives signal {@code name}. {@code sun.misc.Signal} is
   * reached by reflection, as Kafka's {@code LoggingSignalHandler} does: javac's warning about
   * internal API cannot be suppressed, and warnings fail the build.
   */
  private static void onSignal(String name, Runnable action) {
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Object handler =
          Proxy.newProxyInstance(
              handlerClass.getClassLoader(),
              new Class<?>[] {handlerClass},
              (proxy, method, args) -> {
                if (method.getName().equals("handle")) {
                  action.run();
                  return null;
                }
                // Object's methods (toString, hashCode, equals) are answered by the action.
                return method.invoke(action, args);
              });
      Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
      handle.invoke(null, signalClass.getConstructor(String.class).newInstance(name), handler);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot take over SIG" + name, e);
    }
  }

  private void drain() throws InterruptedException {
    draining.startDraining();
    log.info(
        "draining: readiness is 503, serving for {} ms more before stopping", grace.toMillis());
    Thread.sleep(grace.toMillis());
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
