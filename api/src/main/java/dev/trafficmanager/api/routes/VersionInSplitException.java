package dev.trafficmanager.api.routes;

import dev.trafficmanager.route.RouteKey;

/**
 * A deactivation names a version that its service's split gives traffic to: refused (409), so that
 * traffic is never split onto a dead version. Change the split first.
 */
public final class VersionInSplitException extends RuntimeException {
  public VersionInSplitException(RouteKey key, int weight) {
    super(
        "version "
            + key.version()
            + " carries "
            + weight
            + "% of the split "
            + key.tenant()
            + "/"
            + key.service()
            + "/"
            + key.env()
            + ": change the split before deactivating it");
  }
}
