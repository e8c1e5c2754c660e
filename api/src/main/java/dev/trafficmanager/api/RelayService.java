package dev.trafficmanager.api;

import com.zaxxer.hikari.HikariDataSource;
import dev.trafficmanager.api.health.DatabaseWatch;
import dev.trafficmanager.api.health.KafkaHealth;
import dev.trafficmanager.api.outbox.OutboxRelay;
import dev.trafficmanager.api.outbox.OutboxSettings;
import dev.trafficmanager.api.resilience.Circuits;
import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.database.DatabaseSettings;
import dev.trafficmanager.health.ComponentHealth;
import dev.trafficmanager.resilience.Dependency;
import dev.trafficmanager.service.ServiceContext;
import java.time.Clock;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox relay as a service of its own, and its composition root: what {@code
 * traffic-manager.jar relay} runs, for deployments whose API instances run with {@code
 * TM_API_RELAY=off}. It is the same {@link OutboxRelay} the API runs, with the same guarantees: one
 * leader across every relay of a database, whether it runs here or inside an API.
 *
 * <p>Besides the relay's own session, a pool of one connection feeds a {@link DatabaseWatch}: the
 * {@code postgresql} health component and the outbox backlog gauges ({@code
 * tm_outbox_pending_rows}, {@code tm_outbox_oldest_pending_age_seconds}), as in the API. The relay
 * creates no schema: it waits, retrying, until an API has migrated the database.
 *
 * <p>Thread-safe. {@link #close()} lets the relay publish what is pending (bounded), then stops the
 * watch and the pool; it is idempotent, and a closed service cannot be started.
 */
public final class RelayService implements AutoCloseable {
  /** The {@code service} tag of the process's meters. */
  public static final String SERVICE_NAME = "relay";

  private static final Logger log = LoggerFactory.getLogger(RelayService.class);

  private final ServiceContext context;
  private final DatabaseSettings database;
  private final KafkaSettings kafka;
  private final OutboxSettings outbox;

  private HikariDataSource pool;
  private volatile DatabaseWatch watch;
  private volatile KafkaHealth kafkaHealth;
  private OutboxRelay relay;
  private boolean started;
  private boolean closed;

  /**
   * Reads every setting now, so that a bad one fails here, naming its variable. The context stays
   * the caller's to close, after this service.
   */
  public RelayService(ServiceContext context) {
    this.context = Objects.requireNonNull(context, "context");
    Settings given = context.settings();
    this.database = DatabaseSettings.from(given);
    this.kafka = KafkaSettings.from(given);
    this.outbox = OutboxSettings.from(given);
  }

  /**
   * Starts the relay; returns at once, whether or not PostgreSQL and Kafka are reachable.
   *
   * @throws IllegalStateException when called twice or after {@link #close()}
   */
  public synchronized void start() {
    if (started || closed) {
      throw new IllegalStateException("a RelayService starts once");
    }
    started = true;
    try {
      Circuits circuits = new Circuits(context.resilience(), Clock.systemUTC());
      // The relay has a session of its own; the watch reads one statement a second.
      pool = database.withPoolSize(1).openPool("tm-relay");
      DatabaseWatch databaseWatch = new DatabaseWatch(pool, circuits, context.meters());
      relay = new OutboxRelay(database, kafka, outbox, circuits, context.meters());
      kafkaHealth = new KafkaHealth(relay, circuits.breaker(Dependency.KAFKA), databaseWatch);
      watch = databaseWatch;
      databaseWatch.start();
      relay.start();
      log.info("event=relay_started database={}", database.address());
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** PostgreSQL as this process reaches it; DOWN until started. */
  public ComponentHealth databaseHealth() {
    DatabaseWatch current = watch;
    return current == null ? starting(Dependency.DATABASE) : current.check();
  }

  /** Kafka through the relay, with the relay's role and the outbox backlog; DOWN until started. */
  public ComponentHealth kafkaHealth() {
    KafkaHealth current = kafkaHealth;
    return current == null ? starting(Dependency.KAFKA) : current.check();
  }

  /** Stops the relay (after publishing what is pending, if Kafka is reachable), then the rest. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (relay != null) {
      relay.close();
    }
    if (watch != null) {
      watch.close();
    }
    if (pool != null) {
      pool.close();
    }
    log.info("event=relay_stopped");
  }

  private static ComponentHealth starting(Dependency dependency) {
    return ComponentHealth.down(dependency.wireName(), "the relay has not started");
  }
}
