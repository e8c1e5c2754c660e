package dev.trafficmanager.consumers;

import dev.trafficmanager.consumers.runner.BatchResult;
import dev.trafficmanager.consumers.runner.ChangeHandler;
import dev.trafficmanager.event.Action;
import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.event.RouteState;
import dev.trafficmanager.event.SplitChange;
import dev.trafficmanager.event.SplitState;
import dev.trafficmanager.route.RouteKey;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** Route changes as the processor publishes them, for the consumers' tests. */
public final class TestChanges {
  private TestChanges() {}

  /**
   * The change that brought {@code route} to {@code revision}, with correlation id {@code
   * corr-<revision>}; the first revision creates the route, later ones change its URL to {@link
   * #url}({@code route}, {@code revision}).
   */
  public static RouteChange change(RouteKey route, long revision) {
    Instant at = at(revision);
    RouteState previous =
        revision == 1 ? null : state(route, revision - 1, at.minusSeconds(1), true);
    return new RouteChange(
        1,
        UUID.randomUUID(),
        revision == 1 ? Action.CREATED : Action.URL_CHANGED,
        route.toString(),
        revision,
        previous,
        state(route, revision, at, true),
        at,
        "tester",
        "corr-" + revision);
  }

  /** The change that deactivated {@code route} at {@code revision} (at least 2), URL unchanged. */
  public static RouteChange deactivation(RouteKey route, long revision) {
    Instant at = at(revision);
    RouteState previous = state(route, revision - 1, at.minusSeconds(1), true);
    RouteState current =
        new RouteState(
            route.tenant(),
            route.service(),
            route.env(),
            route.version(),
            previous.url(),
            false,
            revision,
            at);
    return new RouteChange(
        1,
        UUID.randomUUID(),
        Action.DEACTIVATED,
        route.toString(),
        revision,
        previous,
        current,
        at,
        "operator",
        "corr-" + revision);
  }

  /** Applies one change as a batch of one, throwing its failure as the old one-change call did. */
  public static void apply(ChangeHandler handler, RouteChange change) {
    BatchResult result = handler.apply(java.util.List.of(change));
    if (result.failure().isPresent()) {
      throw result.failure().get();
    }
  }

  /** The URL {@link #change} gives a route at a revision. */
  public static String url(RouteKey route, long revision) {
    return "https://" + route.service() + ".example/v" + revision;
  }

  private static Instant at(long revision) {
    return Instant.parse("2026-01-01T00:00:00Z").plusSeconds(revision);
  }

  private static RouteState state(RouteKey route, long revision, Instant at, boolean active) {
    return new RouteState(
        route.tenant(),
        route.service(),
        route.env(),
        route.version(),
        url(route, revision),
        active,
        revision,
        at);
  }

  /**
   * The change that brought the split {@code acme/billing/prod} to {@code revision} with {@code
   * weights} (empty: deleted), with correlation id {@code corr-split-<revision>}; no previous
   * state.
   */
  public static SplitChange split(long revision, Map<String, Integer> weights) {
    Instant at = at(revision);
    return new SplitChange(
        2,
        UUID.randomUUID(),
        Action.SPLIT_CHANGED,
        "acme/billing/prod",
        revision,
        null,
        new SplitState("acme", "billing", "prod", weights, revision, at),
        at,
        "tester",
        "corr-split-" + revision);
  }
}
