package dev.trafficmanager.api.auth;

/** A valid token without the scope, or the tenant, a request needs (403). */
public final class AccessDeniedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AccessDeniedException(String message) {
    super(message, null, false, false);
  }
}
