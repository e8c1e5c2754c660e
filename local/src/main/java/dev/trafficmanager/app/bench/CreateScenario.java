package dev.trafficmanager.app.bench;

import dev.trafficmanager.route.RouteKey;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The create phase: creates each of the run's routes once ({@code <tenant>/bench/load/r<n>}) and
 * keeps those the API acknowledged, which are all the later scenarios use.
 */
final class CreateScenario implements Scenario {
  static final String SERVICE = "bench";
  static final String ENV = "load";

  private final RouteApi api;
  private final String tenant;
  private final int count;
  private final AtomicInteger nextIndex = new AtomicInteger();
  private final Queue<RouteKey> created = new ConcurrentLinkedQueue<>();

  CreateScenario(RouteApi api, String tenant, int count) {
    this.api = api;
    this.tenant = tenant;
    this.count = count;
  }

  @Override
  public String name() {
    return "create";
  }

  @Override
  public Optional<Call> next() {
    int index = nextIndex.getAndIncrement();
    if (index >= count) {
      return Optional.empty();
    }
    RouteKey route = new RouteKey(tenant, SERVICE, ENV, "r" + index);
    return Optional.of(new Call(route, api.create(route, WriteScenario.BASE_URL + "/r" + index)));
  }

  @Override
  public void answered(Call call, int status) {
    if (PhaseResult.isSuccess(status)) {
      created.add(call.route());
    }
  }

  /** The routes created so far. */
  List<RouteKey> created() {
    return List.copyOf(created);
  }
}
