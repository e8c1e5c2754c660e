package dev.trafficmanager.app;

import dev.trafficmanager.api.auth.NewToken;
import dev.trafficmanager.api.auth.TokenIssuer;
import dev.trafficmanager.api.auth.TokenSecrets;
import dev.trafficmanager.api.auth.TokenStore;
import dev.trafficmanager.database.DatabaseSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * The admin token of {@code local}, kept in {@code <state dir>/admin-token} (readable by its owner
 * only), so that the README's walkthrough and {@code bench} work with authentication on. Made on
 * the first start, and again whenever the kept one no longer works (revoked, or the database was
 * replaced).
 */
final class LocalAdminToken {
  static final String FILE = "admin-token";
  static final String NAME = "local-admin";

  private LocalAdminToken() {}

  /**
   * The file holding a working admin token of {@code database}, made if needed.
   *
   * @throws UncheckedIOException when the file cannot be read or written
   */
  static Path ensure(Path stateDir, DatabaseSettings database) {
    Path file = stateDir.resolve(FILE);
    TokenStore store = TokenStore.connect(database);
    try {
      if (Files.exists(file) && works(store, Files.readString(file, StandardCharsets.US_ASCII))) {
        return file;
      }
      String token =
          new TokenIssuer(store, new TokenSecrets(new SecureRandom()), Clock.systemUTC())
              .issue(NewToken.of(NAME, List.of(), List.of("admin"), null))
              .token();
      Files.deleteIfExists(file);
      Files.createDirectories(stateDir);
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, token + "\n", StandardCharsets.US_ASCII);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the admin token in " + file, e);
    }
  }

  private static boolean works(TokenStore store, String kept) {
    String token = kept.strip();
    return TokenSecrets.isWellFormed(token)
        && store
            .find(TokenSecrets.hash(token))
            .filter(t -> t.refusal(Instant.now()).isEmpty())
            .isPresent();
  }
}
