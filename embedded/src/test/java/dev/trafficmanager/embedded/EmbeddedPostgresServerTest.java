package dev.trafficmanager.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresServerTest {

  @Test
  void answersQueriesAndKeepsTablesAcrossARestartOnTheSamePort(@TempDir Path dir)
      throws SQLException {
    try (EmbeddedPostgresServer postgres = new EmbeddedPostgresServer(dir.resolve("pg"), 0)) {
      postgres.start();
      String url = postgres.jdbcUrl("postgres");
      assertThat(queryInt(postgres, url, "SELECT 1")).isEqualTo(1);
      execute(postgres, url, "CREATE TABLE kept (id int)", "INSERT INTO kept VALUES (42)");

      postgres.stop();
      assertThatThrownBy(() -> queryInt(postgres, url, "SELECT 1"))
          .isInstanceOf(SQLException.class);
      postgres.start();

      assertThat(postgres.jdbcUrl("postgres")).isEqualTo(url);
      assertThat(queryInt(postgres, url, "SELECT id FROM kept")).isEqualTo(42);
    }
  }

  @Test
  void refusesAConnectionWithoutThePasswordAndKeepsThePasswordAcrossARestart(@TempDir Path dir)
      throws SQLException {
    String url;
    String password;
    try (EmbeddedPostgresServer postgres = new EmbeddedPostgresServer(dir.resolve("pg"), 0)) {
      postgres.start();
      url = postgres.jdbcUrl("postgres");
      password = postgres.password();
      assertThatThrownBy(() -> DriverManager.getConnection(url, postgres.user(), ""))
          .isInstanceOf(SQLException.class);
      assertThatThrownBy(() -> DriverManager.getConnection(url, postgres.user(), "postgres"))
          .isInstanceOf(SQLException.class);
    }
    try (EmbeddedPostgresServer again = new EmbeddedPostgresServer(dir.resolve("pg"), 0)) {
      again.start();
      assertThat(again.password()).isEqualTo(password);
      assertThat(queryInt(again, again.jdbcUrl("postgres"), "SELECT 1")).isEqualTo(1);
    }
  }

  @Test
  void createsADatabaseOnceAndIgnoresASecondRequest(@TempDir Path dir) throws SQLException {
    try (EmbeddedPostgresServer postgres = new EmbeddedPostgresServer(dir, 0)) {
      postgres.start();
      postgres.createDatabase("tm_created");
      postgres.createDatabase("tm_created");

      assertThat(queryInt(postgres, postgres.jdbcUrl("tm_created"), "SELECT 7")).isEqualTo(7);
    }
  }

  @Test
  void rejectsADatabaseNameThatIsNotAPlainIdentifier(@TempDir Path dir) {
    try (EmbeddedPostgresServer postgres = new EmbeddedPostgresServer(dir, 0)) {
      assertThatThrownBy(() -> postgres.createDatabase("x; DROP DATABASE postgres"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("x; DROP DATABASE postgres");
    }
  }

  private static int queryInt(EmbeddedPostgresServer postgres, String url, String sql)
      throws SQLException {
    try (Connection connection =
            DriverManager.getConnection(url, postgres.user(), postgres.password());
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      assertThat(rows.next()).isTrue();
      return rows.getInt(1);
    }
  }

  private static void execute(EmbeddedPostgresServer postgres, String url, String... sql)
      throws SQLException {
    try (Connection connection =
            DriverManager.getConnection(url, postgres.user(), postgres.password());
        Statement statement = connection.createStatement()) {
      for (String each : sql) {
        statement.execute(each);
      }
    }
  }
}
