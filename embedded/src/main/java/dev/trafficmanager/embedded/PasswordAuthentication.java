package dev.trafficmanager.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Password authentication for an embedded PostgreSQL data directory. A new one is made with it
 * (initdb's {@code --auth}); one made before, under {@code trust}, is switched over on its first
 * start: the superuser gets its password, every {@code trust} line of {@code pg_hba.conf} becomes
 * {@value #METHOD}, and the server reloads its configuration.
 */
final class PasswordAuthentication {
  static final String METHOD = "scram-sha-256";
  private static final Pattern TRUST = Pattern.compile("\\btrust\\s*$");
  private static final Pattern HEX = Pattern.compile("[0-9a-f]+");

  private PasswordAuthentication() {}

  /** Whether the data directory exists and lets some connection in without a password. */
  static boolean isTrusting(Path dataDir) {
    Path hba = dataDir.resolve("pg_hba.conf");
    if (!Files.exists(hba)) {
      return false;
    }
    try {
      return Files.readAllLines(hba, StandardCharsets.UTF_8).stream()
          .anyMatch(line -> !line.stripLeading().startsWith("#") && TRUST.matcher(line).find());
    } catch (IOException e) {
      throw new EmbeddedServerException("cannot read " + hba, e);
    }
  }

  /** Gives the running server's superuser {@code password} and makes every connection need it. */
  static void requireFrom(Path dataDir, String url, String user, String password)
      throws SQLException, IOException {
    if (!HEX.matcher(password).matches()) {
      throw new IllegalArgumentException("an embedded server's password is lower-case hex");
    }
    try (Connection connection = DriverManager.getConnection(url, user, password);
        Statement statement = connection.createStatement()) {
      // ALTER ROLE takes no parameters; the password is hex, so quoting it is safe.
      statement.execute("ALTER ROLE " + user + " PASSWORD '" + password + "'");
      Path hba = dataDir.resolve("pg_hba.conf");
      List<String> lines =
          Files.readAllLines(hba, StandardCharsets.UTF_8).stream()
              .map(
                  line ->
                      line.stripLeading().startsWith("#")
                          ? line
                          : TRUST.matcher(line).replaceFirst(METHOD))
              .toList();
      Files.write(hba, lines, StandardCharsets.UTF_8);
      statement.execute("SELECT pg_reload_conf()");
    }
  }
}
