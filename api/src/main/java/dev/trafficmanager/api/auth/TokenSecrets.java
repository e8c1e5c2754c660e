package dev.trafficmanager.api.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Makes tokens and the hash they are stored and found by. A token is {@code tm_} and 256 random
 * bits in URL-safe base64 (43 characters): the prefix lets secret scanners and people recognise
 * one. Since a token is random, a plain SHA-256 is enough to store it: there is nothing to guess.
 */
public final class TokenSecrets {
  public static final String PREFIX = "tm_";
  private static final int RANDOM_BYTES = 32;
  private static final Pattern FORMAT = Pattern.compile("tm_[A-Za-z0-9_-]{43}");

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

  /** Whether {@code token} looks like one this class makes (checked before any lookup). */
  public static boolean isWellFormed(String token) {
    return FORMAT.matcher(token).matches();
  }

  /** The SHA-256 of the token's characters: what the database keeps. */
  public static byte[] hash(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
