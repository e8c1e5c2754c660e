package dev.trafficmanager.app.bench;

import dev.trafficmanager.route.RouteKey;
import java.net.http.HttpRequest;
import java.util.Optional;

/**
 * What one phase of a run sends. {@link LoadRunner} calls it from all its threads at once, so an
 * implementation is thread-safe.
 */
interface Scenario {
  /** The phase's name in the report: {@code create}, {@code writes}, {@code resolve}. */
  String name();

  /** The next request, or empty when the scenario has sent all it had to (the phase ends). */
  Optional<Call> next();

  /** Hears the status of a call's answer; requests without an answer are not reported here. */
  default void answered(Call call, int status) {}

  /** A request about one route. */
  record Call(RouteKey route, HttpRequest request) {}
}
