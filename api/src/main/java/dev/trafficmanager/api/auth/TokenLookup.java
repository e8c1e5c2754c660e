package dev.trafficmanager.api.auth;

import java.time.Instant;
import java.util.Optional;

/** What the {@link Authenticator} asks of the token table ({@link TokenStore}). */
public interface TokenLookup {
  /** The token whose SHA-256 hash this is, revoked and expired ones too. */
  Optional<TokenView> find(byte[] hash);

  /** Records that token {@code id} was used at {@code now}. */
  void touch(long id, Instant now);
}
