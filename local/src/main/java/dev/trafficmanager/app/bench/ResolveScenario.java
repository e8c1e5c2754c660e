package dev.trafficmanager.app.bench;

import dev.trafficmanager.route.RouteKey;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code resolve}: resolves a random route of the run. The requests are built once, up front, so
 * that the client's own work stays out of the measurement as far as it can.
 */
final class ResolveScenario implements Scenario {
  private final List<Call> calls;

  ResolveScenario(RouteApi api, List<RouteKey> routes) {
    this.calls = routes.stream().map(route -> new Call(route, api.resolve(route))).toList();
  }

  @Override
  public String name() {
    return "resolve";
  }

  @Override
  public Optional<Call> next() {
    return Optional.of(calls.get(ThreadLocalRandom.current().nextInt(calls.size())));
  }
}
