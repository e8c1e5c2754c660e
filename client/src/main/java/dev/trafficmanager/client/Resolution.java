package dev.trafficmanager.client;

import java.util.Objects;
import java.util.Optional;

/**
 * Where a route points: its URL, the route's revision that said so, the version it is of (when the
 * question named one, or the API said which it picked) and who answered.
 *
 * @param source {@link Source#REPLICA} when answered from memory, {@link Source#API} when the HTTP
 *     API was asked
 */
public record Resolution(String url, long revision, Optional<String> version, Source source) {
  public Resolution {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(source, "source");
  }

  /** Who answered a resolve. */
  public enum Source {
    /** The client's local replica, from memory. */
    REPLICA,
    /** The HTTP API: the replica was not ready, or could not answer this question yet. */
    API
  }
}
