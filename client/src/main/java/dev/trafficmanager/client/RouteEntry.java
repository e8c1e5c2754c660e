package dev.trafficmanager.client;

/** A route's state at one revision, as listed or as a change left it. */
record RouteEntry(RouteName name, String url, boolean active, long revision)
    implements ReplicaEntry {}
