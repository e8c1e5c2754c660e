package dev.trafficmanager.api.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.Test;

class DatabaseFailuresTest {
  @Test
  void thePoolTimingOutIsTransient() {
    assertThat(
            DatabaseFailures.isTransient(
                new ConnectionException(
                    new SQLTransientConnectionException("tm-api - Connection is not available"))))
        .isTrue();
  }

  @Test
  void aConnectionClassOrShutdownSqlStateAnywhereInTheChainIsTransient() {
    assertThat(
            DatabaseFailures.isTransient(
                new RuntimeException(new SQLException("I/O error", "08006"))))
        .isTrue();
    assertThat(DatabaseFailures.isTransient(new SQLException("shutting down", "57P01"))).isTrue();
    assertThat(DatabaseFailures.isTransient(new SQLException("starting up", "57P03"))).isTrue();
  }

  @Test
  void constraintViolationsAndOtherFailuresAreNot() {
    assertThat(
            DatabaseFailures.isTransient(
                new UnableToExecuteStatementException(
                    new SQLException("duplicate key", "23505"), null)))
        .isFalse();
    assertThat(DatabaseFailures.isTransient(new SQLException("statement timeout", "57014")))
        .isFalse();
    assertThat(DatabaseFailures.isTransient(new IllegalStateException("boom"))).isFalse();
  }
}
