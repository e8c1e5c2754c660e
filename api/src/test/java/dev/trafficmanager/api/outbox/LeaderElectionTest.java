package dev.trafficmanager.api.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trafficmanager.resilience.Backoff;
import dev.trafficmanager.time.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Leader election without a database: sessions share a {@link FakeLock} that, like PostgreSQL's
 * session-level advisory lock, is held until its session ends or breaks.
 */
class LeaderElectionTest {
  private static final Duration RETRY = Duration.ofMillis(100);

  private final MutableClock clock = new MutableClock();
  private final InMemoryOutbox outbox = new InMemoryOutbox(clock);
  private final FakeLock lock = new FakeLock();
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

  private OutageReport report() {
    return new OutageReport(new SimpleMeterRegistry(), clock);
  }

  /** One relay's election, its sessions and the work it does while it leads. */
  private final class Relay {
    final FakeSessions sessions = new FakeSessions();
    final RecordingWork work = new RecordingWork();
    final LeaderElection election =
        new LeaderElection(
            sessions,
            work,
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

    @Override
    public LeaderElection.Ending lead(OutboxSource outbox) throws SQLException {
      outbox.pending(1);
      leads++;
      return ending;
    }

    @Override
    public void abandon() {
      abandons++;
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
    public List<OutboxRow> pending(int limit) throws SQLException {
      usable();
      return outbox.pending(limit);
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
