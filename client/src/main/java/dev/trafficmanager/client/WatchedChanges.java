package dev.trafficmanager.client;

import java.util.List;

/**
 * A blocking query's answer: the routes' states after the changes it carried, in index order, the
 * index to ask after next, and how many changes it carried (a change of something other than a
 * route counts, but leaves no state here).
 */
record WatchedChanges(long index, List<RouteEntry> states, int changes) {
  WatchedChanges {
    states = List.copyOf(states);
  }
}
