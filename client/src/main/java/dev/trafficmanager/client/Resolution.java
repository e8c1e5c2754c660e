package dev.trafficmanager.client;

import java.util.Objects;
import java.util.Optional;

/**
 * Where a route points: its URL, the route's revision that said so, the version it is of (when the
 * question named one, or the service's split picked it), why that version was picked, and who
 * answered.
 *
 * @param picked for a resolve without a version, how the split picked {@code version}; empty when
 *     the question named the version
 * @param source {@link Source#REPLICA} when answered from memory, {@link Source#API} when the HTTP
 *     API was asked
 */
public record Resolution(
    String url, long revision, Optional<String> version, Optional<Picked> picked, Source source) {
  public Resolution {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(picked, "picked");
    Objects.requireNonNull(source, "source");
  }

  /** Who answered a resolve. */
  public enum Source {
    /** The client's local replica, from memory. */
    REPLICA,
    /** The HTTP API: the replica was not ready, or turned off. */
    API
  }
}
