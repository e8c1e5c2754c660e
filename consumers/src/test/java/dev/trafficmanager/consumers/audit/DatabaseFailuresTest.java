package dev.trafficmanager.consumers.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.Test;

class DatabaseFailuresTest {

  @Test
  void aLostConnectionAShutdownOrATimeoutIsAnOutage() {
    assertThat(DatabaseFailures.isTransient(wrapped("08006"))).isTrue();
    assertThat(DatabaseFailures.isTransient(wrapped("57P01"))).isTrue();
    assertThat(DatabaseFailures.isTransient(wrapped("57014"))).isTrue();
    assertThat(DatabaseFailures.isTransient(wrapped("53300"))).isTrue();
    assertThat(
            DatabaseFailures.isTransient(
                new UnableToExecuteStatementException(
                    new SQLTransientConnectionException("pool exhausted"), null)))
        .isTrue();
  }

  @Test
  void aRejectedRowIsNeitherAnOutageNorRetriable() {
    assertThat(DatabaseFailures.isTransient(wrapped("23502"))).isFalse();
    assertThat(DatabaseFailures.isRowRejected(wrapped("23502"))).isTrue();
    assertThat(DatabaseFailures.isRowRejected(wrapped("22001"))).isTrue();
  }

  @Test
  void aSyntaxErrorIsNeither() {
    assertThat(DatabaseFailures.isTransient(wrapped("42601"))).isFalse();
    assertThat(DatabaseFailures.isRowRejected(wrapped("42601"))).isFalse();
  }

  private static RuntimeException wrapped(String sqlState) {
    return new UnableToExecuteStatementException(
        new SQLException("from PostgreSQL", sqlState), null);
  }
}
