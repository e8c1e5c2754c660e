package dev.trafficmanager.app.bench;

import dev.trafficmanager.route.RouteKey;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code writes}: changes the URL of a random route of the run. Each URL is new, so every write is
 * a real change (a new revision and an event), not a no-op.
 */
final class WriteScenario implements Scenario {
  static final String BASE_URL = "https://bench.example";

  private final RouteApi api;
  private final List<RouteKey> routes;
  private final AtomicLong writes = new AtomicLong();

  WriteScenario(RouteApi api, List<RouteKey> routes) {
    this.api = api;
    this.routes = List.copyOf(routes);
  }

  @Override
  public String name() {
    return "writes";
  }

  @Override
  public Optional<Call> next() {
    RouteKey route = routes.get(ThreadLocalRandom.current().nextInt(routes.size()));
    String url = BASE_URL + "/" + route.version() + "/" + writes.incrementAndGet();
    return Optional.of(new Call(route, api.changeUrl(route, url)));
  }
}
