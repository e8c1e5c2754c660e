package dev.trafficmanager.client;

import java.util.Optional;

/**
 * One resolve question: a route by its version, or a service's route in an env with the version
 * left to the API (its split), sticky by {@code hashKey} when given.
 */
record ResolveRequest(
    String service, String env, Optional<String> version, Optional<HashKey> hashKey) {}
