package dev.trafficmanager.api.auth;

import java.time.Clock;

/** Makes tokens: a new random token, stored by its hash, handed back once. */
public final class TokenIssuer {
  private final TokenStore store;
  private final TokenSecrets secrets;
  private final Clock clock;

  public TokenIssuer(TokenStore store, TokenSecrets secrets, Clock clock) {
    this.store = store;
    this.secrets = secrets;
    this.clock = clock;
  }

  public IssuedToken issue(NewToken token) {
    String secret = secrets.generate();
    return new IssuedToken(secret, store.insert(token, TokenSecrets.hash(secret), clock.instant()));
  }
}
