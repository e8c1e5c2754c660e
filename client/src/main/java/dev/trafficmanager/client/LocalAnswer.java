package dev.trafficmanager.client;

import java.util.Optional;

/**
 * A replica's answer to a resolve: the route's resolution, or empty when the replica knows the
 * route does not resolve (unknown or inactive), as the API's 404 would say.
 */
record LocalAnswer(Optional<Resolution> resolution) {}
