package dev.trafficmanager.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.trafficmanager.config.Settings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/** The PostgreSQL connection and its pool. */
public record DatabaseSettings(
    String url,
    String user,
    String password,
    int poolSize,
    Duration connectionTimeout,
    Duration statementTimeout) {
  public static final String URL = "TM_DB_URL";
  public static final String USER = "TM_DB_USER";
  public static final String PASSWORD = "TM_DB_PASSWORD";
  public static final String POOL_SIZE = "TM_DB_POOL_SIZE";
  public static final String CONNECTION_TIMEOUT = "TM_DB_CONNECTION_TIMEOUT";
  public static final String STATEMENT_TIMEOUT = "TM_DB_STATEMENT_TIMEOUT";

  public static DatabaseSettings from(Settings settings) {
    return new DatabaseSettings(
        settings.string(URL, "jdbc:postgresql://localhost:5432/traffic_manager"),
        settings.string(USER, "postgres"),
        settings.string(PASSWORD, ""),
        settings.integer(POOL_SIZE, 10, 1, 500),
        settings.duration(CONNECTION_TIMEOUT, Duration.ofSeconds(2)),
        settings.duration(STATEMENT_TIMEOUT, Duration.ofSeconds(5)));
  }

  @Override
  public String toString() {
    return "DatabaseSettings[address="
        + address()
        + ", user="
        + user
        + ", poolSize="
        + poolSize
        + "]";
  }

  /**
   * The server's host and port ({@code localhost:5432}), for logs: the JDBC URL itself may carry a
   * password or other secrets among its parameters.
   */
  public String address() {
    int start = url.indexOf("//");
    if (start < 0) {
      return "unknown";
    }
    String rest = url.substring(start + 2);
    int end = rest.length();
    for (char stop : new char[] {'/', '?'}) {
      int at = rest.indexOf(stop);
      if (at >= 0 && at < end) {
        end = at;
      }
    }
    String authority = rest.substring(0, end);
    return authority.substring(authority.lastIndexOf('@') + 1);
  }

  /** The same database, for a pool of {@code size} connections. */
  public DatabaseSettings withPoolSize(int size) {
    return new DatabaseSettings(url, user, password, size, connectionTimeout, statementTimeout);
  }

  /** A new connection pool; the caller closes it. */
  public HikariDataSource openPool(String poolName) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(poolName);
    config.setJdbcUrl(url);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(poolSize);
    config.setConnectionTimeout(connectionTimeout.toMillis());
    // No connection is tried at start-up, so the pool comes up while PostgreSQL is still down.
    config.setInitializationFailTimeout(-1);
    config.addDataSourceProperty("connectTimeout", Math.max(1, connectionTimeout.toSeconds()));
    config.addDataSourceProperty("socketTimeout", Math.max(1, statementTimeout.toSeconds() * 2));
    config.addDataSourceProperty("options", "-c statement_timeout=" + statementTimeout.toMillis());
    return new HikariDataSource(config);
  }

  /**
   * One plain connection, without the pool's statement timeout: for an operator job that uses one
   * connection (a pool would open several) and may run one long statement. The caller closes it.
   */
  public Connection connect(String applicationName) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password);
    props.setProperty("connectTimeout", String.valueOf(Math.max(1, connectionTimeout.toSeconds())));
    props.setProperty("ApplicationName", applicationName);
    return DriverManager.getConnection(url, props);
  }
}
