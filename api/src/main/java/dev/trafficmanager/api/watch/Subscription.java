package dev.trafficmanager.api.watch;

import dev.trafficmanager.api.changes.Change;
import dev.trafficmanager.api.changes.ChangeFilter;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One event stream: sends its client each change after its position once, in index order. Sends
 * hold this object's lock, so the catch-up at subscription and the deliveries of later fetches
 * never interleave; a change at or before the position is skipped, so one delivered twice (by the
 * catch-up and a fetch) is sent once.
 */
public final class Subscription {
  private final ChangeFilter filter;
  private final ChangeSink sink;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private long position;

  Subscription(ChangeFilter filter, ChangeSink sink, long position) {
    this.filter = filter;
    this.sink = sink;
    this.position = position;
  }

  /** Completes when the stream has ended, for whatever reason. */
  public CompletableFuture<Void> closed() {
    return closed;
  }

  /** Whether the stream has ended. */
  public boolean isClosed() {
    return closed.isDone();
  }

  /** Sends the changes after the position that match; false once the stream has ended. */
  synchronized boolean send(List<Change> changes) {
    if (isClosed()) {
      return false;
    }
    try {
      for (Change change : changes) {
        if (change.index() <= position) {
          continue;
        }
        if (change.matches(filter)) {
          sink.send(change);
        }
        position = change.index();
      }
      return true;
    } catch (IOException e) {
      close();
      return false;
    }
  }

  synchronized long position() {
    return position;
  }

  /** Keeps the connection busy; false once the stream has ended (the client went away). */
  synchronized boolean heartbeat() {
    if (isClosed()) {
      return false;
    }
    try {
      sink.heartbeat();
      return true;
    } catch (IOException e) {
      close();
      return false;
    }
  }

  /** Ends the stream. */
  public void close() {
    if (closed.complete(null)) {
      sink.close();
    }
  }
}
