package dev.trafficmanager.api.http;

/** The API itself refuses the request for now (it is shutting down); answered with 503. */
final class ServiceUnavailableException extends RuntimeException {
  private final String reason;

  ServiceUnavailableException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  String reason() {
    return reason;
  }
}
