package dev.trafficmanager.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DatabaseFailuresTest {

  @ParameterizedTest(name = "{0} ({1})")
  @CsvSource({
    // state, what it is, unreachable, transient, row rejected
    "08006, connection failure, true, true, false",
    "08001, cannot connect, true, true, false",
    "57P01, admin shutdown, true, true, false",
    "57P03, cannot connect now, true, true, false",
    "57014, statement timeout, false, true, false",
    "53300, too many connections, false, true, false",
    "40001, serialization failure, false, true, false",
    "40P01, deadlock, false, true, false",
    "55P03, lock not available, false, true, false",
    "23505, unique violation, false, false, true",
    "23502, not null violation, false, false, true",
    "22001, value too long, false, false, true",
    "42601, syntax error, false, false, false",
  })
  void classifiesPostgresStatesAnywhereInTheCauseChain(
      String state, String what, boolean unreachable, boolean transientFailure, boolean rejected) {
    RuntimeException failure =
        new UnableToExecuteStatementException(new SQLException(what, state), null);

    assertThat(DatabaseFailures.isUnreachable(failure)).isEqualTo(unreachable);
    assertThat(DatabaseFailures.isTransient(failure)).isEqualTo(transientFailure);
    assertThat(DatabaseFailures.isRowRejected(failure)).isEqualTo(rejected);
    // The breaker's rule: only an unreachable database is an outage, a busy one is not.
    assertThat(DatabaseFailures.OUTAGE.test(failure)).isEqualTo(unreachable);
    assertThat(DatabaseFailures.OUTAGE.retries(failure))
        .as("a broken connection is tried again at once")
        .isEqualTo(unreachable);
  }

  @Test
  void thePoolTimingOutIsUnreachable() {
    RuntimeException failure =
        new ConnectionException(
            new SQLTransientConnectionException("tm-api - Connection is not available"));

    assertThat(DatabaseFailures.isUnreachable(failure)).isTrue();
    assertThat(DatabaseFailures.isTransient(failure)).isTrue();
    assertThat(DatabaseFailures.OUTAGE.test(failure)).as("counts against the breaker").isTrue();
    assertThat(DatabaseFailures.OUTAGE.retries(failure))
        .as("not retried: the pool already tried for its whole connection timeout")
        .isFalse();
  }

  @Test
  void aBugIsNeither() {
    IllegalStateException bug = new IllegalStateException("boom");

    assertThat(DatabaseFailures.isTransient(bug)).isFalse();
    assertThat(DatabaseFailures.isRowRejected(bug)).isFalse();
  }
}
