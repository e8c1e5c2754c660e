package dev.trafficmanager.api.auth;

/**
 * A request without a usable token: none, malformed, unknown, expired or revoked (401). The message
 * says which, and never carries the token.
 */
public final class AuthenticationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean tokenPresented;

  public AuthenticationException(String message, boolean tokenPresented) {
    super(message, null, false, false);
    this.tokenPresented = tokenPresented;
  }

  /** Whether the request carried a token (RFC 6750: then the answer says {@code invalid_token}). */
  public boolean tokenPresented() {
    return tokenPresented;
  }
}
