package dev.trafficmanager.api.watch;

import dev.trafficmanager.api.changes.Change;
import java.io.IOException;

/** Where an event stream's changes go: the HTTP response of one client. */
public interface ChangeSink {
  /** Sends one change; blocks until written. */
  void send(Change change) throws IOException;

  /** Sends a line that carries nothing, to keep the connection busy and notice a gone client. */
  void heartbeat() throws IOException;

  /** Ends the stream (the server is stopping, or the client is gone). */
  void close();
}
