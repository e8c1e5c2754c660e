package dev.trafficmanager.client;

import java.util.List;
import java.util.Optional;

/**
 * One page of {@code GET /api/v1/routes?tenant=…}: its routes, the next page's cursor, its index.
 */
record ListedPage(List<RouteEntry> routes, Optional<String> nextCursor, long index) {
  ListedPage {
    routes = List.copyOf(routes);
  }
}
