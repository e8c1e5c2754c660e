package dev.trafficmanager.api.idempotency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The SHA-256 of a request's method, path and body bytes (lower-case hex): two requests with one
 * idempotency key are "the same request" exactly when their fingerprints are equal.
 */
public final class RequestFingerprint {
  private RequestFingerprint() {}

  public static String of(String method, String path, byte[] body) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform provides SHA-256", e);
    }
    // A separator that cannot occur in a method or a path keeps ("PUT", "/a" + "b") apart from
    // ("PUT", "/a", "b").
    digest.update(method.getBytes(StandardCharsets.UTF_8));
    digest.update((byte) '\n');
    digest.update(path.getBytes(StandardCharsets.UTF_8));
    digest.update((byte) '\n');
    digest.update(body);
    return HexFormat.of().formatHex(digest.digest());
  }
}
