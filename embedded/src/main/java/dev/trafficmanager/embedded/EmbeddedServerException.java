package dev.trafficmanager.embedded;

/** An embedded server that could not be started or stopped; the message names the server. */
public final class EmbeddedServerException extends RuntimeException {
  public EmbeddedServerException(String message, Throwable cause) {
    super(message, cause);
  }
}
