package dev.trafficmanager.client;

/**
 * The API refused a request (a wrong or expired token, a token without {@code routes:read} for the
 * tenant, a bad question) or no API instance could answer it. {@link #status()} is the HTTP status,
 * 0 when no instance answered.
 */
public final class TrafficManagerException extends RuntimeException {
  private final int status;

  public TrafficManagerException(int status, String message) {
    super(message);
    this.status = status;
  }

  public TrafficManagerException(String message, Throwable cause) {
    super(message, cause);
    this.status = 0;
  }

  public int status() {
    return status;
  }
}
