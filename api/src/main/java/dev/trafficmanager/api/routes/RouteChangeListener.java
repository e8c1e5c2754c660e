package dev.trafficmanager.api.routes;

import dev.trafficmanager.route.RouteKey;

/**
 * Told of every change {@link RouteWriter} makes to a route, right after its transaction committed,
 * on the writing thread: the API evicts its own near-cache copy so that it reads its own writes.
 * Must not block, and should not throw: the write is committed whatever it does.
 */
@FunctionalInterface
public interface RouteChangeListener {
  void committed(RouteKey route, long revision);
}
