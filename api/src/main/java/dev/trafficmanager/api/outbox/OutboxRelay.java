package dev.trafficmanager.api.outbox;

import dev.trafficmanager.api.resilience.Circuits;
import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.database.DatabaseSettings;
import dev.trafficmanager.resilience.Backoff;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes committed outbox rows to the {@code route-events} topic and marks them published.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li><b>Nothing committed is lost.</b> A row is marked published only after the broker
 *       acknowledged it on all in-sync replicas; a row that failed stays pending and is retried,
 *       with exponential backoff and full jitter ({@link Backoff}), for as long as Kafka is
 *       unreachable. Delivery is at least once: a row can be published twice (an ack lost in a
 *       crash or timeout), never skipped.
 *   <li><b>Per-route order.</b> A route's rows are published in id (= revision) order, a batch at a
 *       time in one Kafka transaction ({@link BatchPublisher}): a later revision never becomes
 *       visible to {@code read_committed} readers while an earlier one failed.
 *   <li><b>One active relay</b> across every instance sharing a database ({@link LeaderElection}):
 *       the leader holds a session-level PostgreSQL advisory lock on its own connection; standbys
 *       retry it every poll interval and take over when the leader's session ends. A leader whose
 *       connection breaks stops publishing and becomes a standby.
 *   <li><b>A lease</b> ({@link OutboxSettings#lease()}) for a leader that is alive to the server
 *       but does nothing (frozen): the leader renews it every third of the lease from a thread of
 *       its own; a standby that sees it unrenewed for a whole lease ends the leader's session and
 *       takes over, within the lease plus two poll intervals of the leader's last renewal. The
 *       deposed leader reads no further batch once its lease lapsed, and a batch it was publishing
 *       is fenced by the new leader's producer (same transactional id).
 *   <li><b>Kafka's circuit breaker</b> guards every batch; a record the broker refused alone does
 *       not count against Kafka ({@link PublishLoop}).
 *   <li><b>Latency</b>: the leader wakes when a writer's {@code NOTIFY} on {@link
 *       OutboxStore#CHANNEL} commits; otherwise it polls every poll interval. Polling alone is
 *       correct.
 *   <li><b>Retention</b>: the leader deletes published rows older than the retention, in bounded
 *       batches ({@link RetentionSweep}).
 *   <li><b>Outages</b> are reported once each, with the meters and the state health reads ({@link
 *       OutageReport}).
 *   <li><b>Stopping</b>: {@link #close()} finishes the batch in progress and, while Kafka is
 *       reachable, publishes what is still pending for at most one delivery timeout more.
 * </ul>
 *
 * <p>The relay's retries are not drawn from the Kafka retry budget: it is one loop, its backoff and
 * the breaker already bound how often it calls, and the budget's refusal could only make it wait
 * longer, which the backoff does.
 *
 * <p>All work runs on one thread, {@value #THREAD_NAME}, started by {@link #start()}. The relay
 * opens its own connection (outside any pool, so the lock lives exactly as long as the session)
 * and, while it leads, its own producer.
 */
public final class OutboxRelay implements AutoCloseable {
  static final String THREAD_NAME = "tm-outbox-relay";

  /**
   * {@code tm_outbox_relay_leader}: 1 while this relay holds the leader lock, else 0. Summed over
   * every relay of a database it is 1; 0 means nothing publishes the outbox, which the backlog
   * gauges only show once rows wait. One relay per process, so one gauge per process.
   */
  static final String LEADER = "tm.outbox.relay.leader";

  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

  private final String topic;
  private final OutboxSettings settings;
  private final Duration stopBound;
  private final StopSignal stop = new StopSignal();
  private final OutageReport report;
  private final LeaderElection election;
  private final Thread thread;
  private final Thread heartbeatThread;
  private final AtomicBoolean started = new AtomicBoolean();

  /**
   * @param circuits the process's breakers; the relay uses the {@code kafka} one
   * @param meters where the relay's counters go
   */
  public OutboxRelay(
      DatabaseSettings db,
      KafkaSettings kafka,
      OutboxSettings settings,
      Circuits circuits,
      MeterRegistry meters) {
    Clock clock = Clock.systemUTC();
    Duration ackTimeout =
        settings.deliveryTimeout().plus(RelayProducer.MAX_BLOCK).plus(Duration.ofSeconds(5));
    Backoff backoff = new Backoff(settings.pollInterval(), settings.maxBackoff());
    OutboxStore store = new OutboxStore();
    this.topic = kafka.topics().routeEvents().name();
    this.settings = settings;
    // The batch in progress, the flush after it, a last poll, a reconnect, and a margin.
    this.stopBound =
        ackTimeout
            .multipliedBy(2)
            .plus(settings.deliveryTimeout())
            .plus(settings.pollInterval())
            .plus(db.connectionTimeout())
            .plusSeconds(5);
    this.report = new OutageReport(meters, clock);
    PublishLoop loop =
        new PublishLoop(
            settings,
            new BatchPublisher(topic, ackTimeout, settings.maxBackoff(), clock),
            () -> RelayProducer.open(kafka, settings),
            backoff,
            circuits,
            new RetentionSweep(settings, stop, clock),
            report,
            stop,
            clock);
    Tenure tenure = new Tenure(settings.lease(), clock);
    LeaseStore leases = new LeaseStore();
    String holder = ManagementFactory.getRuntimeMXBean().getName();
    this.election =
        new LeaderElection(
            () -> RelaySession.open(db, store, leases, holder),
            loop,
            tenure,
            new LeaseWatch(settings.lease(), clock),
            settings.pollInterval(),
            backoff,
            report,
            stop);
    Gauge.builder(LEADER, election, e -> e.isLeader() ? 1 : 0)
        .description("1 while this relay holds the outbox leader lock and publishes, else 0")
        .register(meters);
    this.thread = new Thread(this::run, THREAD_NAME);
    // The relay never keeps a process alive by itself: its owner's lifecycle decides.
    this.thread.setDaemon(true);
    LeaseHeartbeat heartbeat =
        new LeaseHeartbeat(tenure, new LeaseConnection(db, leases), settings.lease(), stop);
    this.heartbeatThread = new Thread(heartbeat::run, THREAD_NAME + "-lease");
    this.heartbeatThread.setDaemon(true);
  }

  /**
   * Starts the relay thread, which connects, competes for leadership and, once it leads, publishes.
   * Returns at once; neither PostgreSQL nor Kafka needs to be reachable yet.
   *
   * @throws IllegalStateException when called twice or after {@link #close()}
   */
  public void start() {
    if (stop.stopping() || !started.compareAndSet(false, true)) {
      throw new IllegalStateException("the outbox relay can be started once");
    }
    thread.start();
    heartbeatThread.start();
  }

  /** Whether this relay currently holds the leader lock and publishes. */
  public boolean isLeader() {
    return election.isLeader();
  }

  /** Whether this relay leads and its last attempt to publish failed (rows stay pending). */
  public boolean isKafkaFailing() {
    return election.isLeader() && report.isKafkaFailing();
  }

  /**
   * Stops the relay: finishes (or abandons, once the producer's delivery timeout has passed) the
   * batch in progress, publishes what is still pending if Kafka is reachable (for at most one
   * delivery timeout), closes the producer and ends the session, releasing the leader lock.
   * Idempotent. Rows not yet marked stay pending for the next leader.
   */
  @Override
  public void close() {
    stop.stop();
    if (!started.get() || Thread.currentThread() == thread) {
      return;
    }
    try {
      thread.join(stopBound.toMillis());
      if (thread.isAlive()) {
        log.warn("outbox relay did not stop within {} ms, interrupting it", stopBound.toMillis());
        thread.interrupt();
        thread.join(5_000);
      }
      // Its pause ended with the stop; a renewal in progress is bounded by the statement timeout.
      heartbeatThread.join(stopBound.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    log.info(
        "outbox relay started topic={} poll_interval_ms={} batch_size={}",
        topic,
        settings.pollInterval().toMillis(),
        settings.batchSize());
    election.run();
    log.info("outbox relay stopped");
  }
}
