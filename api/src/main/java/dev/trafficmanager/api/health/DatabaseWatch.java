package dev.trafficmanager.api.health;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.trafficmanager.api.outbox.OutboxBacklog;
import dev.trafficmanager.api.outbox.OutboxStore;
import dev.trafficmanager.api.resilience.Circuits;
import dev.trafficmanager.database.DatabaseFailures;
import dev.trafficmanager.health.ComponentHealth;
import dev.trafficmanager.health.HealthCheck;
import dev.trafficmanager.health.HealthStatus;
import dev.trafficmanager.resilience.Dependency;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches PostgreSQL from a thread of its own: once a second it borrows a pooled connection and
 * reads the outbox backlog, which is also its {@code SELECT 1}. The {@code postgresql} health check
 * and the outbox gauges read the last result and never wait on the database themselves, however
 * often they are asked.
 *
 * <p>Readiness, and why it does not follow the circuit breaker: every instance sees the same
 * database, so an open breaker (which can also open on a burst of timeouts under load) would make
 * every instance unready at once, and the load balancer would then send nothing anywhere, not even
 * the resolves the cache can still answer. So the check reports {@link HealthStatus#DOWN} only when
 * its own probe fails (this instance cannot reach PostgreSQL); a probe that succeeds while the
 * breaker is open or half-open is {@link HealthStatus#DEGRADED} (writes answer 503 until the
 * breaker closes), and a probe that found every pooled connection busy is DEGRADED too (saturated,
 * not unreachable). A full outage still makes every instance unready, as readiness must say; most
 * load balancers then fail open and keep routing to all of them.
 *
 * <p>The probe bypasses the breaker, so health polling neither dilutes nor inflates its failure
 * rate, except while the breaker waits to recover: once its open wait is over the probe is its next
 * call, so the breaker closes again as soon as the database answers, whether requests come or not.
 *
 * <p>Meters: {@code tm_outbox_pending_rows} and {@code tm_outbox_oldest_pending_age_seconds}, NaN
 * while the last probe failed.
 */
public final class DatabaseWatch implements HealthCheck, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DatabaseWatch.class);

  static final Duration INTERVAL = Duration.ofSeconds(1);

  /** A last answer older than this means the probe is stuck: the database does not answer. */
  static final Duration STALE_AFTER = Duration.ofSeconds(5);

  static final String PENDING_ROWS = "tm.outbox.pending.rows";
  static final String OLDEST_PENDING_AGE = "tm.outbox.oldest.pending.age";

  private final HikariDataSource pool;
  private final OutboxStore outbox = new OutboxStore();
  private final Circuits circuits;
  private final CircuitBreaker breaker;
  private final MeterRegistry meters;
  private final List<Gauge> gauges;
  private final ScheduledExecutorService executor;
  private volatile Probe last;

  public DatabaseWatch(HikariDataSource pool, Circuits circuits, MeterRegistry meters) {
    this.pool = pool;
    this.circuits = circuits;
    this.breaker = circuits.breaker(Dependency.DATABASE);
    this.meters = meters;
    this.gauges =
        List.of(
            Gauge.builder(
                    PENDING_ROWS,
                    this,
                    w -> w.backlog().map(b -> (double) b.pendingRows()).orElse(Double.NaN))
                .description("Outbox rows not yet published to Kafka")
                .register(meters),
            Gauge.builder(
                    OLDEST_PENDING_AGE,
                    this,
                    w -> w.backlog().map(OutboxBacklog::oldestPendingAgeSeconds).orElse(Double.NaN))
                .description("How long the oldest unpublished outbox row has waited")
                .baseUnit("seconds")
                .register(meters));
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "tm-api-database-watch");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Probes once now, so that readiness is known before traffic arrives, then every second. */
  public void start() {
    probe();
    executor.scheduleWithFixedDelay(
        this::probe, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The backlog the last probe read; empty while the last probe failed. */
  public Optional<OutboxBacklog> backlog() {
    Probe probe = last;
    return probe == null ? Optional.empty() : probe.backlog();
  }

  @Override
  public ComponentHealth check() {
    Probe probe = last;
    if (probe == null) {
      return ComponentHealth.down(Dependency.DATABASE.wireName(), "not probed yet");
    }
    CircuitBreaker.State state = breaker.getState();
    long ageMillis = Duration.ofNanos(System.nanoTime() - probe.finishedNanos()).toMillis();
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("probe", probe.ok() ? "ok" : "failed");
    detail.put("probe_latency_ms", probe.latencyMillis());
    detail.put("probed_ms_ago", ageMillis);
    detail.put("circuit_breaker", state.name().toLowerCase(Locale.ROOT));
    detail.put("failure_rate", breaker.getMetrics().getFailureRate());
    HikariPoolMXBean mx = pool.getHikariPoolMXBean();
    if (mx != null) {
      detail.put("pool_active", mx.getActiveConnections());
      detail.put("pool_idle", mx.getIdleConnections());
      detail.put("pool_waiting", mx.getThreadsAwaitingConnection());
    }
    HealthStatus status;
    if (ageMillis > STALE_AFTER.toMillis()) {
      status = HealthStatus.DOWN;
      detail.put("reason", "no answer from PostgreSQL for " + ageMillis + " ms");
    } else if (!probe.ok()) {
      status = probe.saturated() ? HealthStatus.DEGRADED : HealthStatus.DOWN;
      detail.put("reason", probe.error());
    } else if (state == CircuitBreaker.State.CLOSED
        || state == CircuitBreaker.State.DISABLED
        || state == CircuitBreaker.State.METRICS_ONLY) {
      status = HealthStatus.UP;
    } else {
      status = HealthStatus.DEGRADED;
      detail.put(
          "reason",
          "PostgreSQL answers, but the circuit breaker is "
              + state.name().toLowerCase(Locale.ROOT)
              + ": writes answer 503 until it closes");
    }
    return new ComponentHealth(Dependency.DATABASE.wireName(), status, detail);
  }

  /** Stops probing; the gauges leave the registry. */
  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    gauges.forEach(meters::remove);
  }

  private void probe() {
    long start = System.nanoTime();
    try {
      OutboxBacklog backlog = isRecovering() ? onBreaker() : readBacklog();
      long nanos = System.nanoTime() - start;
      last = new Probe(true, "", nanos / 1_000_000, System.nanoTime(), Optional.of(backlog), false);
    } catch (Exception e) {
      long nanos = System.nanoTime() - start;
      // The driver's message names the user, host and database: it belongs in the log, not in
      // /health/ready, which anyone who reaches the port can read.
      if (last == null || last.ok()) {
        log.warn("event=database_probe_failed error=\"{}\"", e.toString());
      }
      last =
          new Probe(
              false,
              DatabaseFailures.isUnreachable(e)
                  ? "PostgreSQL is unreachable"
                  : isSaturated(e)
                      ? "PostgreSQL has no connection to spare"
                      : "the probe query failed",
              nanos / 1_000_000,
              System.nanoTime(),
              Optional.empty(),
              isSaturated(e));
    }
  }

  /**
   * The probe as the recovering breaker's call: PostgreSQL's outage rule records it or ignores it.
   * When the half-open breaker's calls are all taken the probe still runs, off the breaker.
   */
  private OutboxBacklog onBreaker() throws Exception {
    try {
      return breaker.executeCallable(this::readBacklog);
    } catch (CallNotPermittedException e) {
      return readBacklog();
    }
  }

  private OutboxBacklog readBacklog() throws SQLException {
    try (Connection connection = pool.getConnection()) {
      return outbox.backlog(connection);
    }
  }

  private boolean isRecovering() {
    CircuitBreaker.State state = breaker.getState();
    return state == CircuitBreaker.State.HALF_OPEN
        || (state == CircuitBreaker.State.OPEN
            && circuits.untilProbe(Dependency.DATABASE).isZero());
  }

  /** The pool timed out because every connection was busy, not because none could be made. */
  private boolean isSaturated(Exception e) {
    HikariPoolMXBean mx = pool.getHikariPoolMXBean();
    return e instanceof SQLTransientConnectionException
        && mx != null
        && mx.getTotalConnections() > 0
        && mx.getActiveConnections() >= mx.getTotalConnections();
  }

  private record Probe(
      boolean ok,
      String error,
      long latencyMillis,
      long finishedNanos,
      Optional<OutboxBacklog> backlog,
      boolean saturated) {}
}
