package dev.trafficmanager.chaos;

import dev.trafficmanager.route.RouteKey;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A steady stream of URL changes from several tenants, as their upstream services would send them:
 * each tenant on a thread of its own at its share of the rate, changing its routes in turn, spread
 * over every API instance round robin (a load balancer without health checks, so an instance that
 * is down costs its share of the writes). Every answer goes to the {@link Acknowledged} record.
 */
final class WriteLoad implements AutoCloseable {
  private final List<List<RouteKey>> routesByTenant;
  private final long periodMicros;
  private final Supplier<List<String>> apis;
  private final Acknowledged record;
  private final WriteClient client;
  private final AtomicInteger nextApi = new AtomicInteger();
  private final AtomicLong nextUrl = new AtomicLong();
  private final ScheduledExecutorService writers;

  /**
   * @param tenantPrefix names the tenants {@code <prefix>-t0}, {@code <prefix>-t1}, …
   * @param apis the base URLs of the API instances, asked before each write
   */
  WriteLoad(
      String tenantPrefix,
      ChaosSize size,
      Supplier<List<String>> apis,
      WriteClient client,
      Acknowledged record) {
    this.client = client;
    this.routesByTenant = routes(tenantPrefix, size);
    this.periodMicros = 1_000_000L * size.tenants() / size.writesPerSecond();
    this.apis = apis;
    this.record = record;
    this.writers = Executors.newScheduledThreadPool(size.tenants());
  }

  /** The routes of the scenario's tenants, by tenant. */
  static List<List<RouteKey>> routes(String tenantPrefix, ChaosSize size) {
    List<List<RouteKey>> byTenant = new ArrayList<>();
    for (int t = 0; t < size.tenants(); t++) {
      List<RouteKey> routes = new ArrayList<>();
      for (int r = 0; r < size.routesPerTenant(); r++) {
        routes.add(new RouteKey(tenantPrefix + "-t" + t, "svc" + r, "prod", "v1"));
      }
      byTenant.add(routes);
    }
    return byTenant;
  }

  /** Creates every route (revision 1), through whichever API answers. */
  void createRoutes() throws IOException, InterruptedException {
    for (List<RouteKey> routes : routesByTenant) {
      for (RouteKey route : routes) {
        WriteClient.Answer answer = client.create(api(), route, url(route));
        if (!answer.acknowledged()) {
          throw new IllegalStateException(
              "creating " + route + " was answered " + answer.status() + ": " + answer.body());
        }
        record.acknowledged(route.toString(), answer.revision());
      }
    }
  }

  /** Starts every tenant's writer at its share of the rate. */
  void start() {
    for (List<RouteKey> routes : routesByTenant) {
      AtomicInteger turn = new AtomicInteger();
      writers.scheduleAtFixedRate(
          () -> write(routes.get(Math.floorMod(turn.getAndIncrement(), routes.size()))),
          0,
          periodMicros,
          TimeUnit.MICROSECONDS);
    }
  }

  /** Stops the writers and waits for the writes in flight to be answered. */
  @Override
  public void close() throws InterruptedException {
    writers.shutdownNow();
    if (!writers.awaitTermination(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the writers did not stop within 30 s");
    }
  }

  private void write(RouteKey route) {
    try {
      WriteClient.Answer answer = client.changeUrl(api(), route, url(route));
      if (answer.acknowledged()) {
        record.acknowledged(route.toString(), answer.revision());
      } else {
        record.refused(answer.status());
      }
    } catch (HttpTimeoutException e) {
      record.timedOut();
    } catch (IOException e) {
      record.failed();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private String api() {
    List<String> urls = apis.get();
    return urls.get(Math.floorMod(nextApi.getAndIncrement(), urls.size()));
  }

  private String url(RouteKey route) {
    return "https://"
        + route.service()
        + "."
        + route.tenant()
        + ".example/"
        + nextUrl.incrementAndGet();
  }
}
