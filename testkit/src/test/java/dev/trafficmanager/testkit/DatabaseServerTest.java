package dev.trafficmanager.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseServerTest {

  @Test
  void replacesOnlyTheDatabaseOfTheServersUrl() {
    DatabaseServer server =
        new DatabaseServer("jdbc:postgresql://db.ci:5433/postgres?sslmode=disable", "u", "p");

    assertThat(server.jdbcUrl("tm_test_x"))
        .isEqualTo("jdbc:postgresql://db.ci:5433/tm_test_x?sslmode=disable");
    assertThat(new DatabaseServer("jdbc:postgresql://localhost/", "u", "p").jdbcUrl("tm_test_x"))
        .isEqualTo("jdbc:postgresql://localhost/tm_test_x");
  }

  @Test
  void rejectsAUrlWithoutAServerAndDatabasePart() {
    assertThatThrownBy(() -> new DatabaseServer("jdbc:postgresql:postgres", "u", "p"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdbc:postgresql:postgres");
  }
}
