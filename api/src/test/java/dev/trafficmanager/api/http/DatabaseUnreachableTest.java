package dev.trafficmanager.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.jdbi.v3.core.ConnectionException;
import org.junit.jupiter.api.Test;

class DatabaseUnreachableTest {
  @Test
  void thePoolTimingOutIsUnreachable() {
    assertThat(
            ErrorResponses.isDatabaseUnreachable(
                new ConnectionException(
                    new SQLTransientConnectionException("tm-api - Connection is not available"))))
        .isTrue();
  }

  @Test
  void aConnectionClassSqlStateAnywhereInTheChainIsUnreachable() {
    assertThat(
            ErrorResponses.isDatabaseUnreachable(
                new RuntimeException(new SQLException("I/O error", "08006"))))
        .isTrue();
    assertThat(ErrorResponses.isDatabaseUnreachable(new SQLException("shutting down", "57P01")))
        .isTrue();
  }

  @Test
  void otherDatabaseErrorsAreNot() {
    assertThat(ErrorResponses.isDatabaseUnreachable(new SQLException("duplicate key", "23505")))
        .isFalse();
    assertThat(ErrorResponses.isDatabaseUnreachable(new IllegalStateException("boom"))).isFalse();
  }
}
