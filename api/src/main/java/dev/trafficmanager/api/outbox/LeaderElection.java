package dev.trafficmanager.api.outbox;

import dev.trafficmanager.resilience.Backoff;
import java.sql.SQLException;
import java.time.Duration;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One active relay across every instance sharing a database, in the manner of Curator's {@code
 * LeaderSelector}: each relay opens a session of its own and tries its leader lock; the one that
 * holds it does the leader's work on that session until it is asked to stop, while the others stand
 * by and try again every retry interval. When the leader's session ends (its process died, its
 * connection broke) the server releases the lock and a standby takes over; a leader whose session
 * breaks steps down, drops its session and, backing off while the database keeps failing, competes
 * again with a new one. A leader whose work gives up ({@link Ending#GAVE_UP}) steps down the same
 * way and waits {@link #HAND_OVER_TURNS} retry intervals before it competes again, so that a
 * standby takes the lock first.
 *
 * <p>The lock alone cannot tell a frozen leader from a live one: a process stopped by {@code
 * SIGSTOP} (or paused for long) keeps its connection, so the server keeps its lock. Hence a lease
 * besides the lock: the leader claims it with a new epoch when it starts to lead and renews it from
 * a thread of its own ({@link LeaseHeartbeat}); a standby that reads the lease unchanged for a
 * whole lease ({@link LeaseWatch}) ends the leader's session, which frees the lock, and takes it.
 * The leader, on its side, reads no further batch once its own {@link Tenure} lapsed ({@link
 * LeasedSource}) and steps down.
 *
 * <p>{@link #run()} runs on the relay thread, which alone calls everything but {@link #isLeader()}.
 */
final class LeaderElection {
  private static final Logger log = LoggerFactory.getLogger(LeaderElection.class);

  /**
   * Retry intervals a leader that gave up waits before competing again: a standby tries the lock
   * once per interval, so it has had several chances to take it by then.
   */
  static final int HAND_OVER_TURNS = 4;

  /** How a leader's work ended, other than by its session breaking. */
  enum Ending {
    /** The relay was asked to stop. */
    STOPPED,
    /**
     * The leader cannot do its work (Kafka has failed for too long) and hands leadership over: a
     * relay that can do it is to lead instead.
     */
    GAVE_UP
  }

  /** What the leader does with its session. */
  interface LeaderWork {
    /**
     * Works until the relay is asked to stop, or until it gives its leadership up.
     *
     * @throws SQLException when the session broke: leadership ends with it
     */
    Ending lead(OutboxSource outbox) throws SQLException;

    /** Leadership ended: drop whatever belongs to the leader. */
    void abandon();
  }

  private final LeaderSession.Opener sessions;
  private final LeaderWork work;
  private final Tenure tenure;
  private final LeaseWatch watch;
  private final Duration retryInterval;
  private final Backoff backoff;
  private final OutageReport report;
  private final Pauses pauses;
  private volatile boolean leader;
  private LeaderSession session;
  private boolean standingBy;
  private int databaseFailures;

  /**
   * @param tenure this relay's lease while it leads, renewed by its {@link LeaseHeartbeat}
   * @param watch how this relay, standing by, judges the leader's lease
   * @param retryInterval how often a standby tries the lock
   * @param backoff the waits between attempts while the database fails
   */
  LeaderElection(
      LeaderSession.Opener sessions,
      LeaderWork work,
      Tenure tenure,
      LeaseWatch watch,
      Duration retryInterval,
      Backoff backoff,
      OutageReport report,
      Pauses pauses) {
    this.sessions = sessions;
    this.work = work;
    this.tenure = tenure;
    this.watch = watch;
    this.retryInterval = retryInterval;
    this.backoff = backoff;
    this.report = report;
    this.pauses = pauses;
  }

  /** Whether this relay holds the leader lock. */
  boolean isLeader() {
    return leader;
  }

  /** Competes, leads or stands by until asked to stop; then ends the session. */
  void run() {
    try {
      while (!pauses.stopping()) {
        pauses.pause(turn());
      }
    } catch (InterruptException e) {
      // Only the relay's close() interrupts, once the relay overran its bound: stop now.
    } finally {
      stepDown();
    }
  }

  /**
   * One attempt: leads until asked to stop if the lock is this session's, stands by if another
   * session holds it, steps down if the session fails.
   *
   * @return how long to wait before the next attempt
   */
  Duration turn() {
    try {
      if (session == null) {
        session = sessions.open();
      }
      boolean leads = session.tryLead();
      report.databaseReachable();
      databaseFailures = 0;
      if (!leads && watch.expired(session.lease())) {
        leads = takeOver();
      }
      if (!leads) {
        if (!standingBy) {
          standingBy = true;
          log.info("another outbox relay leads, standing by");
        }
        return retryInterval;
      }
      standingBy = false;
      if (!leader) {
        leader = true;
        watch.reset();
        long epoch = session.claimLease();
        tenure.begin(epoch);
        log.info("outbox relay is the leader, publishing epoch={}", epoch);
      }
      if (work.lead(new LeasedSource(session, tenure)) == Ending.STOPPED) {
        return Duration.ZERO;
      }
      log.warn(
          "outbox relay gives up leadership, handing over to a standby wait_ms={}",
          retryInterval.multipliedBy(HAND_OVER_TURNS).toMillis());
      stepDown();
      return retryInterval.multipliedBy(HAND_OVER_TURNS);
    } catch (LeaseLapsedException e) {
      log.warn(
          "outbox relay's lease lapsed (frozen, or no renewal for a lease), stepping down before"
              + " it reads another batch");
      stepDown();
      return retryInterval;
    } catch (SQLException e) {
      report.databaseFailed(e, leader);
    } catch (InterruptException e) {
      throw e;
    } catch (RuntimeException e) {
      report.failedUnexpectedly(e);
    }
    stepDown();
    return backoff.delay(databaseFailures++);
  }

  /**
   * Ends the session of a leader whose lease expired, then tries the lock: the server frees it once
   * that session has gone, which may take until the next turn.
   */
  private boolean takeOver() throws SQLException {
    int ended = session.endLeaderSession();
    watch.reset();
    log.warn(
        "the outbox relay leader's lease expired, ending its session to take over ended={}", ended);
    return session.tryLead();
  }

  private void stepDown() {
    tenure.end();
    leader = false;
    standingBy = false;
    work.abandon();
    if (session != null) {
      session.close();
      session = null;
    }
  }
}
