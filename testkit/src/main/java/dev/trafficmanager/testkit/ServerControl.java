package dev.trafficmanager.testkit;

import dev.trafficmanager.embedded.EmbeddedServer;
import java.util.Map;

/**
 * Stops and starts the embedded servers of the test JVM, for tests that take one down on purpose
 * while services use it: a server comes back on the same port with the same data, as an operator's
 * restart would. Ask for it as a test parameter beside a {@link TestEnvironment} ({@link
 * SharedServers} resolves both).
 *
 * <p>The servers are shared by every test of the JVM, so only a module whose tests expect it may
 * stop them (the chaos suite runs alone in its JVM). A server given by its variable is not the
 * test's to stop: asking to is an {@link IllegalStateException}.
 */
public final class ServerControl {
  /** The servers of a test JVM. */
  public enum Server {
    KAFKA,
    POSTGRESQL,
    REDIS
  }

  private final Map<Server, EmbeddedServer> embedded;

  ServerControl(Map<Server, EmbeddedServer> embedded) {
    this.embedded = Map.copyOf(embedded);
  }

  /** Stops the server and returns once it has stopped; its port and data are kept. */
  public void stop(Server server) {
    embeddedServer(server).stop();
  }

  /** Starts the stopped server again and returns once it serves. */
  public void start(Server server) {
    embeddedServer(server).start();
  }

  private EmbeddedServer embeddedServer(Server server) {
    EmbeddedServer found = embedded.get(server);
    if (found == null) {
      throw new IllegalStateException(
          server + " is an external server (its variable is set): a test cannot restart it");
    }
    return found;
  }
}
