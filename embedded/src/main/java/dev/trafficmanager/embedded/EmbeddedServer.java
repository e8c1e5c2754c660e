package dev.trafficmanager.embedded;

/**
 * A real server this process starts and stops, for local runs and tests.
 *
 * <p>A server keeps its port and its data directory for its whole life: {@link #stop()} followed by
 * {@link #start()} brings back the same server with the same data, the way an operator would
 * restart it. {@link #close()} stops it for good and removes what it created for itself.
 */
public interface EmbeddedServer extends AutoCloseable {

  /**
   * Starts the server and returns once it serves requests; does nothing when it is already running.
   *
   * @throws EmbeddedServerException when the server does not start
   */
  void start();

  /**
   * Stops the server and waits until it has stopped, leaving no process behind; its data and port
   * are kept for the next {@link #start()}. Does nothing when it is not running.
   */
  void stop();

  boolean isRunning();

  /** Stops the server and deletes its data when this server created the directory itself. */
  @Override
  void close();
}
