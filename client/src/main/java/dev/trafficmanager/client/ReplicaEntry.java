package dev.trafficmanager.client;

/**
 * Something the replica holds, at one revision: a route's state or a split's. A change of either
 * kind is applied only when its revision is higher than the one held, so a change seen twice never
 * takes an entry back.
 */
sealed interface ReplicaEntry permits RouteEntry, SplitEntry {
  long revision();
}
