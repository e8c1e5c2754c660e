package dev.trafficmanager.api.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trafficmanager.time.MutableClock;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The leader's side of the lease: its renewals and its own judgement of whether it still leads. */
class LeaseHeartbeatTest {
  private static final Duration LEASE = Duration.ofSeconds(9);

  private final MutableClock clock = new MutableClock();
  private final Tenure tenure = new Tenure(LEASE, clock);
  private final FakeRenewals renewals = new FakeRenewals();
  private final LeaseHeartbeat heartbeat =
      new LeaseHeartbeat(tenure, renewals, LEASE, new RecordedPauses(clock));

  @Test
  void renewalsEveryThirdOfTheLeaseKeepTheTenureHeld() {
    tenure.begin(4);
    for (int i = 0; i < 10; i++) {
      clock.advance(LEASE.dividedBy(3));
      heartbeat.renewOnce();
    }

    assertThat(tenure.held()).isTrue();
    assertThat(renewals.renewed).hasSize(10).containsOnly(4L);
  }

  @Test
  void aRelayThatDoesNotLeadRenewsNothing() {
    heartbeat.renewOnce();
    tenure.begin(1);
    tenure.end();
    heartbeat.renewOnce();

    assertThat(renewals.renewed).isEmpty();
    assertThat(tenure.held()).isFalse();
  }

  @Test
  void aTenureLapsesOneLeaseAfterItsLastRenewalAsAfterAFreeze() {
    tenure.begin(1);
    clock.advance(LEASE.dividedBy(3));
    heartbeat.renewOnce();

    clock.advance(LEASE.minusMillis(1));
    boolean heldJustBefore = tenure.held();
    clock.advance(Duration.ofMillis(1));

    assertThat(heldJustBefore).isTrue();
    assertThat(tenure.held()).isFalse();
  }

  @Test
  void failedRenewalsDropTheConnectionAndLetTheTenureLapse() {
    tenure.begin(1);
    renewals.failing = true;
    for (int i = 0; i < 3; i++) {
      clock.advance(LEASE.dividedBy(3));
      heartbeat.renewOnce();
    }

    assertThat(renewals.closes).isEqualTo(3 * LeaseHeartbeat.ATTEMPTS);
    assertThat(tenure.held()).isFalse();
  }

  @Test
  void aConnectionThatBrokeWhileIdleIsReplacedWithinTheSameRenewal() {
    tenure.begin(1);
    renewals.failures = 1;
    clock.advance(LEASE.dividedBy(3));

    heartbeat.renewOnce();

    assertThat(renewals.closes).isEqualTo(1);
    assertThat(renewals.renewed).containsExactly(1L);
  }

  @Test
  void aRenewalThatFindsAnotherEpochEndsTheTenureAtOnce() {
    tenure.begin(1);
    renewals.currentEpoch = 2;

    heartbeat.renewOnce();

    assertThat(tenure.held()).isFalse();
    assertThat(tenure.epoch()).isEmpty();
  }

  @Test
  void aNewLeadershipIsHeldAfterAnEarlierOneWasSuperseded() {
    tenure.begin(1);
    renewals.currentEpoch = 2;
    heartbeat.renewOnce();

    tenure.end();
    tenure.begin(3);

    assertThat(tenure.held()).isTrue();
    assertThat(tenure.epoch()).hasValue(3);
  }

  /** The lease row as the renewal thread sees it through its connection. */
  private static final class FakeRenewals implements LeaseHeartbeat.Renewals {
    final List<Long> renewed = new ArrayList<>();
    long currentEpoch = -1;
    boolean failing;
    int failures;
    int closes;

    @Override
    public boolean renew(long epoch) throws SQLException {
      if (failing || failures-- > 0) {
        throw new SQLException("Connection refused", "08001");
      }
      if (currentEpoch >= 0 && currentEpoch != epoch) {
        return false;
      }
      renewed.add(epoch);
      return true;
    }

    @Override
    public void close() {
      closes++;
    }
  }
}
