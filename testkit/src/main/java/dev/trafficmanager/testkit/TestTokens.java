package dev.trafficmanager.testkit;

import dev.trafficmanager.config.Settings;
import dev.trafficmanager.database.DatabaseSettings;
import dev.trafficmanager.database.Migrations;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * API tokens for tests, inserted straight into a test's database (migrated first), as the {@code
 * tokens create} command does: the testkit cannot use the API's own classes, which test with it.
 * The format (tm_ + 43 URL-safe base64 characters) and the stored SHA-256 hash are the API's.
 */
public final class TestTokens {
  private static final SecureRandom RANDOM = new SecureRandom();

  private TestTokens() {}

  /** A new admin token in the database of {@code settings} ({@code TM_DB_*}). */
  public static String admin(Settings settings) {
    return create(settings, "test-admin", List.of(), List.of("admin"), Optional.empty());
  }

  /** A new token for {@code tenants} with {@code scopes}, expiring at {@code expiresAt}. */
  public static String create(
      Settings settings,
      String name,
      List<String> tenants,
      List<String> scopes,
      Optional<Instant> expiresAt) {
    DatabaseSettings database = DatabaseSettings.from(settings);
    Migrations.migrate(database);
    byte[] random = new byte[32];
    RANDOM.nextBytes(random);
    String token = "tm_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    Jdbi.create(database.url(), database.user(), database.password())
        .useHandle(
            h ->
                h.createUpdate(
                        "INSERT INTO api_tokens (name, tenants, scopes, token_hash, expires_at)"
                            + " VALUES (:name, :tenants, :scopes, :hash, :expires)")
                    .bind("name", name)
                    .bindArray("tenants", String.class, tenants)
                    .bindArray("scopes", String.class, scopes)
                    .bind("hash", sha256(token))
                    .bind("expires", expiresAt.map(Timestamp::from).orElse(null))
                    .execute());
    return token;
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
