package dev.trafficmanager.consumers;

import dev.trafficmanager.event.Action;
import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.event.RouteState;
import dev.trafficmanager.route.RouteKey;
import java.time.Instant;
import java.util.UUID;

/** Route changes as the processor publishes them, for the consumers' tests. */
public final class TestChanges {
  private TestChanges() {}

  /**
   * The change that brought {@code route} to {@code revision}, with correlation id {@code
   * corr-<revision>}; the first revision creates the route, later ones change its URL.
   */
  public static RouteChange change(RouteKey route, long revision) {
    Instant at = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(revision);
    RouteState previous =
        revision == 1 ? null : state(route, revision - 1, at.minusSeconds(1), revision - 1);
    return new RouteChange(
        1,
        UUID.randomUUID(),
        revision == 1 ? Action.CREATED : Action.URL_CHANGED,
        route.toString(),
        revision,
        previous,
        state(route, revision, at, revision),
        at,
        "tester",
        "corr-" + revision);
  }

  private static RouteState state(RouteKey route, long revision, Instant at, long urlVersion) {
    return new RouteState(
        route.tenant(),
        route.service(),
        route.env(),
        route.version(),
        "https://" + route.service() + ".example/v" + urlVersion,
        true,
        revision,
        at);
  }
}
