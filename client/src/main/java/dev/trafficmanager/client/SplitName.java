package dev.trafficmanager.client;

/** A split of the client's tenant: a service in an env. The key of the replica's split table. */
record SplitName(String service, String env) {}
