package dev.trafficmanager.client;

/** A route of the client's tenant: the key of the replica's table. */
record RouteName(String service, String env, String version) {}
