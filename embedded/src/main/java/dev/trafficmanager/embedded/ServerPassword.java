package dev.trafficmanager.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The password of an embedded server, kept in a file beside its data directory ({@code
 * postgres.password} beside {@code postgres/}), readable by its owner only: made at random for a
 * directory that has none and written when the server first starts (a server that never starts
 * leaves nothing behind), read again on every later start, so the data written under it stays
 * reachable. Any other account on the machine can reach the server's port; without the password it
 * gets nothing.
 */
final class ServerPassword {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path file;
  private final String value;

  private ServerPassword(Path file, String value) {
    this.file = file;
    this.value = value;
  }

  /** The password kept for {@code dataDir}, or a new one if there is none yet. */
  static ServerPassword forDataDir(Path dataDir) {
    Path file = dataDir.resolveSibling(dataDir.getFileName() + ".password");
    try {
      if (Files.exists(file)) {
        return new ServerPassword(file, Files.readString(file, StandardCharsets.US_ASCII).trim());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the server password " + file, e);
    }
    byte[] secret = new byte[24];
    RANDOM.nextBytes(secret);
    return new ServerPassword(file, HexFormat.of().formatHex(secret));
  }

  /** Lower-case hex: safe in a URL and in an SQL literal. A secret, never to be logged. */
  String value() {
    return value;
  }

  Path file() {
    return file;
  }

  /** Writes the password to its file (owner only) unless it is there already. */
  void keep() {
    if (Files.exists(file)) {
      return;
    }
    try {
      Path written =
          Files.createFile(
              file,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(written, value, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the server password " + file, e);
    }
  }
}
