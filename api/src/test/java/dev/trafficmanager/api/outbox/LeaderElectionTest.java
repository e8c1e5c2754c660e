package dev.trafficmanager.api.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trafficmanager.resilience.Backoff;
import dev.trafficmanager.time.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Leader election without a database: sessions share a {@link FakeLock} that, like PostgreSQL's
 * session-level advisory lock, is held until its session ends or breaks.
 */
class LeaderElectionTest {
  private static final Duration RETRY = Duration.ofMillis(100);
  private static final Duration LEASE = Duration.ofSeconds(10);

  private final MutableClock clock = new MutableClock();
  private final InMemoryOutbox outbox = new InMemoryOutbox(clock);
  private final FakeLock lock = new FakeLock();
  private final FakeLease lease = new FakeLease();
  private final Relay first = new Relay();
  private final Relay second = new Relay();

  @Test
  void oneRelayLeadsWhileTheOtherStandsByAndTriesAgainEveryRetryInterval() {
    Duration firstWait = first.election.turn();
    Duration secondWait = second.election.turn();

    assertThat(first.election.isLeader()).isTrue();
    assertThat(first.work.leads).isEqualTo(1);
    assertThat(firstWait).isZero();
    assertThat(second.election.isLeader()).isFalse();
    assertThat(second.work.leads).isZero();
    assertThat(secondWait).isEqualTo(RETRY);
  }

  @Test
  void aLeaderWhoseSessionBreaksStepsDownAndAStandbyTakesOver() {
    first.election.turn();
    second.election.turn();
    FakeSession broken = first.sessions.opened.get(0);

    broken.breakConnection();
    Duration backoff = first.election.turn();

    assertThat(first.election.isLeader()).isFalse();
    assertThat(first.work.abandons).as("the leader's producer is dropped").isEqualTo(1);
    assertThat(broken.closed).isTrue();
    assertThat(backoff).isEqualTo(Duration.ofMillis(50));

    second.election.turn();
    Duration rejoined = first.election.turn();

    assertThat(second.election.isLeader()).isTrue();
    assertThat(second.work.leads).isEqualTo(1);
    assertThat(first.election.isLeader()).as("back, with a new session, as a standby").isFalse();
    assertThat(first.sessions.opened).hasSize(2);
    assertThat(rejoined).isEqualTo(RETRY);
  }

  @Test
  void whileTheDatabaseIsDownARelayBacksOffLongerEachTimeUntilItAnswers() {
    first.sessions.databaseDown = true;

    List<Duration> waits =
        List.of(first.election.turn(), first.election.turn(), first.election.turn());
    first.sessions.databaseDown = false;
    Duration recovered = first.election.turn();
    first.sessions.opened.get(0).breakConnection();
    Duration afterRecovery = first.election.turn();

    assertThat(waits)
        .containsExactly(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200));
    assertThat(recovered).isZero();
    assertThat(first.work.leads).isEqualTo(1);
    assertThat(afterRecovery).as("the backoff starts again").isEqualTo(Duration.ofMillis(50));
  }

  @Test
  void aLeaderThatGivesUpReleasesTheLockAndWaitsWhileAStandbyTakesOver() {
    first.work.ending = LeaderElection.Ending.GAVE_UP;

    Duration handOver = first.election.turn();
    second.election.turn();
    first.work.ending = LeaderElection.Ending.STOPPED;
    Duration afterHandOver = first.election.turn();

    assertThat(handOver).isEqualTo(RETRY.multipliedBy(LeaderElection.HAND_OVER_TURNS));
    assertThat(first.work.abandons).as("the leader's producer is dropped").isEqualTo(1);
    assertThat(first.sessions.opened.get(0).closed).isTrue();
    assertThat(second.election.isLeader()).isTrue();
    assertThat(first.election.isLeader()).as("back as a standby").isFalse();
    assertThat(afterHandOver).isEqualTo(RETRY);
  }

  @Test
  void stoppingEndsTheSessionAndReleasesTheLock() {
    RecordedPauses pauses = new RecordedPauses(clock);
    pauses.stopWhen = () -> first.work.leads > 0;
    LeaderElection stopping =
        new LeaderElection(
            first.sessions,
            first.work,
            first.tenure,
            first.watch,
            RETRY,
            new Backoff(RETRY, RETRY, () -> 0.5),
            report(),
            pauses);

    stopping.run();

    assertThat(stopping.isLeader()).isFalse();
    assertThat(first.sessions.opened.get(0).closed).isTrue();
    second.election.turn();
    assertThat(second.election.isLeader()).isTrue();
  }

  @Test
  void aStandbyTakesOverFromALeaderWhoseLeaseWentUnrenewedForAWholeLease() {
    first.election.turn();
    second.election.turn();
    FakeSession frozen = first.sessions.opened.get(0);

    // The leader renews, then freezes: a standby counts a whole lease from the last change it saw.
    clock.advance(LEASE.dividedBy(2));
    lease.renew();
    second.election.turn();
    clock.advance(LEASE.minusMillis(1));
    Duration stillStandingBy = second.election.turn();
    int leadsBeforeTheLeaseRanOut = second.work.leads;
    clock.advance(Duration.ofMillis(1));
    Duration tookOver = second.election.turn();

    assertThat(stillStandingBy).isEqualTo(RETRY);
    assertThat(leadsBeforeTheLeaseRanOut).as("not before a whole lease unrenewed").isZero();
    assertThat(second.work.leads).isEqualTo(1);
    assertThat(frozen.broken).as("the frozen leader's session was ended").isTrue();
    assertThat(second.election.isLeader()).isTrue();
    assertThat(tookOver).isZero();
    assertThat(lease.epoch).as("a new leadership, a new epoch").isEqualTo(2);
    assertThat(second.tenure.epoch()).hasValue(2);
  }

  @Test
  void aStandbyNeverTakesOverFromALeaderThatRenewsEveryThirdOfTheLease() {
    first.election.turn();
    for (int i = 0; i < 30; i++) {
      clock.advance(LEASE.dividedBy(3));
      lease.renew();
      second.election.turn();
    }

    assertThat(second.election.isLeader()).isFalse();
    assertThat(second.work.leads).isZero();
    assertThat(first.sessions.opened.get(0).broken).isFalse();
  }

  @Test
  void aLeaderWhoseLeaseLapsedReadsNoFurtherBatchAndStepsDown() {
    // Frozen before its first read for longer than the lease, with no renewal meanwhile.
    first.work.beforeReading = () -> clock.advance(LEASE);

    Duration wait = first.election.turn();

    assertThat(first.work.leads).as("no batch read").isZero();
    assertThat(first.election.isLeader()).isFalse();
    assertThat(first.sessions.opened.get(0).closed).as("the lock is released").isTrue();
    assertThat(first.tenure.held()).isFalse();
    assertThat(wait).isEqualTo(RETRY);
    second.election.turn();
    assertThat(second.election.isLeader()).isTrue();
  }

  private OutageReport report() {
    return new OutageReport(new SimpleMeterRegistry(), clock);
  }

  /** One relay's election, its sessions and the work it does while it leads. */
  private final class Relay {
    final FakeSessions sessions = new FakeSessions();
    final RecordingWork work = new RecordingWork();
    final Tenure tenure = new Tenure(LEASE, clock);
    final LeaseWatch watch = new LeaseWatch(LEASE, clock);
    final LeaderElection election =
        new LeaderElection(
            sessions,
            work,
            tenure,
            watch,
            RETRY,
            new Backoff(RETRY, Duration.ofSeconds(1), () -> 0.5),
            report(),
            new RecordedPauses(clock));
  }

  /** A leader's work that returns at once, as a leader asked to stop would. */
  private static final class RecordingWork implements LeaderElection.LeaderWork {
    int leads;
    int abandons;
    LeaderElection.Ending ending = LeaderElection.Ending.STOPPED;
    Runnable beforeReading = () -> {};

    @Override
    public LeaderElection.Ending lead(OutboxSource outbox) throws SQLException {
      beforeReading.run();
      outbox.pending(1);
      leads++;
      return ending;
    }

    @Override
    public void abandon() {
      abandons++;
    }
  }

  /** The lease row: an epoch per leadership and the renewals of the current one. */
  private static final class FakeLease {
    long epoch;
    long renewals;

    Optional<LeaseMark> mark() {
      return epoch == 0 ? Optional.empty() : Optional.of(new LeaseMark(epoch, renewals));
    }

    /** What the leader's renewal thread does every third of the lease. */
    void renew() {
      renewals++;
    }
  }

  /** A session-level lock: re-entrant for its holder, released when the session ends. */
  private static final class FakeLock {
    private FakeSession holder;

    boolean tryAcquire(FakeSession session) {
      if (holder == null) {
        holder = session;
      }
      return holder == session;
    }

    void release(FakeSession session) {
      if (holder == session) {
        holder = null;
      }
    }
  }

  private final class FakeSessions implements LeaderSession.Opener {
    final List<FakeSession> opened = new ArrayList<>();
    boolean databaseDown;

    @Override
    public LeaderSession open() throws SQLException {
      if (databaseDown) {
        throw new SQLException("connection refused", "08001");
      }
      FakeSession session = new FakeSession();
      opened.add(session);
      return session;
    }
  }

  private final class FakeSession implements LeaderSession {
    boolean broken;
    boolean closed;

    /** As when the server terminates the session: every call fails, and the lock is free. */
    void breakConnection() {
      broken = true;
      lock.release(this);
    }

    @Override
    public boolean tryLead() throws SQLException {
      usable();
      return lock.tryAcquire(this);
    }

    @Override
    public long claimLease() throws SQLException {
      usable();
      lease.renewals = 0;
      return ++lease.epoch;
    }

    @Override
    public Optional<LeaseMark> lease() throws SQLException {
      usable();
      return lease.mark();
    }

    /** As pg_terminate_backend: the holder's session ends, and with it the lock. */
    @Override
    public int endLeaderSession() throws SQLException {
      usable();
      FakeSession holder = lock.holder;
      if (holder == null || holder == this) {
        return 0;
      }
      holder.breakConnection();
      return 1;
    }

    @Override
    public void listen() throws SQLException {
      usable();
      outbox.listen();
    }

    @Override
    public boolean awaitNotification(Duration timeout) throws SQLException {
      usable();
      return outbox.awaitNotification(timeout);
    }

    @Override
    public List<OutboxRow> pending(int limit, List<Long> inFlight) throws SQLException {
      usable();
      return outbox.pending(limit, inFlight);
    }

    @Override
    public void markPublished(List<Long> ids) throws SQLException {
      usable();
      outbox.markPublished(ids);
    }

    @Override
    public int deletePublishedBefore(Duration retention, int limit) throws SQLException {
      usable();
      return outbox.deletePublishedBefore(retention, limit);
    }

    @Override
    public void close() {
      closed = true;
      lock.release(this);
    }

    private void usable() throws SQLException {
      if (broken || closed) {
        throw new SQLException("An I/O error occurred while sending to the backend.", "08006");
      }
    }
  }
}
