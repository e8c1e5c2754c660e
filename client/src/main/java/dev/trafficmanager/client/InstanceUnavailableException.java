package dev.trafficmanager.client;

import java.net.URI;

/**
 * An API instance did not answer (refused, reset, timed out) or answered that it cannot now (429,
 * 5xx): another instance, or the same one later, may.
 */
final class InstanceUnavailableException extends RuntimeException {
  private final URI instance;

  InstanceUnavailableException(URI instance, String reason, Throwable cause) {
    super(instance + ": " + reason, cause);
    this.instance = instance;
  }

  URI instance() {
    return instance;
  }
}
