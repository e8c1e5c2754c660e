package dev.trafficmanager.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shared PostgreSQL server, reached through one of its databases, where every test environment
 * gets a database of its own.
 */
record DatabaseServer(String adminUrl, String user, String password) {
  private static final Pattern URL = Pattern.compile("(jdbc:postgresql://[^/?]+/)([^?]*)(\\?.*)?");
  private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  DatabaseServer {
    if (!URL.matcher(adminUrl).matches()) {
      throw new IllegalArgumentException(
          adminUrl + " is not a jdbc:postgresql://host[:port]/database[?params] URL");
    }
  }

  /** The server's URL with its database replaced, keeping any connection parameters. */
  String jdbcUrl(String database) {
    Matcher m = URL.matcher(adminUrl);
    if (!m.matches()) {
      throw new IllegalStateException("unreachable: checked when built");
    }
    return m.group(1) + database + (m.group(3) == null ? "" : m.group(3));
  }

  void create(String database) {
    execute("CREATE DATABASE " + checked(database));
  }

  /** Drops the database, ending the sessions a test left open on it. */
  void drop(String database) {
    execute("DROP DATABASE IF EXISTS " + checked(database) + " WITH (FORCE)");
  }

  boolean exists(String database) {
    try (Connection connection = DriverManager.getConnection(adminUrl, user, password);
        PreparedStatement query =
            connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      query.setString(1, database);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot query databases on " + adminUrl, e);
    }
  }

  private void execute(String sql) {
    try (Connection connection = DriverManager.getConnection(adminUrl, user, password);
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("'" + sql + "' failed on " + adminUrl, e);
    }
  }

  private static String checked(String database) {
    if (!DATABASE_NAME.matcher(database).matches()) {
      throw new IllegalArgumentException(database + " is not a lower-case identifier");
    }
    return database;
  }
}
