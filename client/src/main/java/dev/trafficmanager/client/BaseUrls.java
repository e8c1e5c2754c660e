package dev.trafficmanager.client;

import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The API instances the client may talk to, and the one it talks to now: it stays with one until a
 * request to it fails, then moves to the next, round the list. Shared by the replica's thread and
 * the callers' fallback resolves, so that what one learnt about a dead instance the other uses.
 */
final class BaseUrls {
  private final List<URI> all;
  private final AtomicInteger current = new AtomicInteger();

  BaseUrls(List<URI> all) {
    if (all.isEmpty()) {
      throw new IllegalArgumentException("at least one base URL is needed");
    }
    this.all = List.copyOf(all);
  }

  URI current() {
    return all.get(current.get());
  }

  /** {@code failed} did not answer: move on, unless another caller already did. */
  void failed(URI failed) {
    int at = current.get();
    if (all.get(at).equals(failed)) {
      current.compareAndSet(at, (at + 1) % all.size());
    }
  }

  int size() {
    return all.size();
  }
}
