package dev.trafficmanager.api.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Makes tokens and the hash they are stored and found by. A token is {@code tm_} and 256 random
 * bits in URL-safe base64 (43 characters): the prefix lets secret scanners and people recognise
 * one. Since a token is random, a plain SHA-256 is enough to store it: there is nothing to guess.
 */
public final class TokenSecrets {
  public static final String PREFIX = "tm_";
  private static final int RANDOM_BYTES = 32;
  private static final int LENGTH = PREFIX.length() + 43;
  // Every authenticated request hashes its token: a digest per thread, rather than a provider
  // lookup per request (measured: a quarter of a near-cache resolve's authentication).
  private static final ThreadLocal<MessageDigest> SHA_256 =
      ThreadLocal.withInitial(TokenSecrets::sha256);

  private final SecureRandom random;

  public TokenSecrets(SecureRandom random) {
    this.random = random;
  }

  /** A new token, never seen before. */
  public String generate() {
    byte[] bytes = new byte[RANDOM_BYTES];
    random.nextBytes(bytes);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /**
   * Whether {@code token} looks like one this class makes, {@code tm_} and 43 characters of
   * URL-safe base64 (checked before any lookup; by hand, since a regular expression cost more than
   * the rest of a near-cache resolve's authentication).
   */
  public static boolean isWellFormed(String token) {
    if (token.length() != LENGTH || !token.startsWith(PREFIX)) {
      return false;
    }
    for (int i = PREFIX.length(); i < LENGTH; i++) {
      char c = token.charAt(i);
      boolean base64Url =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_';
      if (!base64Url) {
        return false;
      }
    }
    return true;
  }

  /** The SHA-256 of the token's characters: what the database keeps. */
  public static byte[] hash(String token) {
    return SHA_256.get().digest(token.getBytes(StandardCharsets.UTF_8));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
