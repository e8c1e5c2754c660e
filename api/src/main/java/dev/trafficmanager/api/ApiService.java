package dev.trafficmanager.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.trafficmanager.api.audit.AuditReader;
import dev.trafficmanager.api.auth.AuthSettings;
import dev.trafficmanager.api.auth.Authenticator;
import dev.trafficmanager.api.auth.TokenIssuer;
import dev.trafficmanager.api.auth.TokenSecrets;
import dev.trafficmanager.api.auth.TokenStore;
import dev.trafficmanager.api.changes.ChangeHistory;
import dev.trafficmanager.api.console.ConsoleReaders;
import dev.trafficmanager.api.console.ConsoleSettings;
import dev.trafficmanager.api.database.Database;
import dev.trafficmanager.api.health.CacheHealth;
import dev.trafficmanager.api.health.DatabaseWatch;
import dev.trafficmanager.api.health.KafkaHealth;
import dev.trafficmanager.api.http.HttpApi;
import dev.trafficmanager.api.http.WriteAnswers;
import dev.trafficmanager.api.idempotency.IdempotencyKeySweeper;
import dev.trafficmanager.api.idempotency.IdempotencySettings;
import dev.trafficmanager.api.limits.LimitSettings;
import dev.trafficmanager.api.outbox.OutboxRelay;
import dev.trafficmanager.api.outbox.OutboxSettings;
import dev.trafficmanager.api.resilience.Circuits;
import dev.trafficmanager.api.resolve.CacheConnection;
import dev.trafficmanager.api.resolve.NearCache;
import dev.trafficmanager.api.resolve.NearCacheSettings;
import dev.trafficmanager.api.resolve.Resolver;
import dev.trafficmanager.api.resolve.RouteCache;
import dev.trafficmanager.api.resolve.RouteInvalidations;
import dev.trafficmanager.api.resolve.SplitCache;
import dev.trafficmanager.api.resolve.SplitResolver;
import dev.trafficmanager.api.routes.RouteReader;
import dev.trafficmanager.api.routes.RouteWriter;
import dev.trafficmanager.api.splits.SplitReader;
import dev.trafficmanager.api.splits.SplitWriter;
import dev.trafficmanager.api.watch.ChangeSignals;
import dev.trafficmanager.api.watch.WatchHub;
import dev.trafficmanager.api.watch.WatchSettings;
import dev.trafficmanager.cache.CacheSettings;
import dev.trafficmanager.cache.RedisFailures;
import dev.trafficmanager.cache.RedisSettings;
import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.database.DatabaseFailures;
import dev.trafficmanager.database.DatabaseSettings;
import dev.trafficmanager.database.Migrations;
import dev.trafficmanager.event.EventJson;
import dev.trafficmanager.health.ComponentHealth;
import dev.trafficmanager.health.HealthCheck;
import dev.trafficmanager.health.HealthReport;
import dev.trafficmanager.health.HealthStatus;
import dev.trafficmanager.resilience.Compartment;
import dev.trafficmanager.resilience.Dependency;
import dev.trafficmanager.service.ServiceContext;
import dev.trafficmanager.split.SplitAssignment;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API service and its composition root: the HTTP API (writes, reads, resolve, audit queries,
 * health, metrics), its PostgreSQL pool, the resolve caches (the in-process near cache, kept in
 * step by its Redis subscription and by this API's own writes, in front of Redis), the outbox relay
 * (unless {@code TM_API_RELAY=off}: then the {@code relay} command publishes), the database watch
 * behind readiness and the sweeper of expired idempotency keys.
 *
 * <p>It takes the process's {@link ServiceContext}: its breakers, retry budgets and bulkheads
 * (shared with whatever else runs in the process), its meter registry and its {@link
 * dev.trafficmanager.health.Draining} switch. {@link #ApiService(Settings)} is the shorthand for a
 * process that runs the API alone: it creates a context of its own and closes it with the service.
 *
 * <p>{@link #start()} migrates the database, then starts the relay and HTTP on {@code
 * TM_HTTP_PORT}. Redis and Kafka being down does not stop it (reads fall back to PostgreSQL, events
 * wait in the outbox); PostgreSQL being down does (the migration fails).
 *
 * <p>Readiness ({@code /health/ready}) reports {@code postgresql} (required), {@code redis}
 * (optional: down is degraded), {@code kafka} (optional, and only with the relay: writes go to the
 * outbox, so Kafka down delays events but the API still serves), {@code draining} (required), then
 * any component added with {@link #addHealthCheck}.
 *
 * <p>Draining: once the process's draining switch is on, readiness answers 503 but requests are
 * still served, so that load balancers notice before connections are refused. {@link #close()} then
 * refuses new API requests, stops accepting connections, waits for the requests in flight (at most
 * {@code TM_DRAIN_TIMEOUT}), stops HTTP, lets the relay publish what is pending (bounded), and
 * closes the rest. It may be called any number of times; a failed {@code start()} has already
 * closed what it opened.
 */
public final class ApiService implements AutoCloseable {
  /** The {@code service} tag of the meters of a context this service creates itself. */
  public static final String SERVICE_NAME = "api";

  private static final Logger log = LoggerFactory.getLogger(ApiService.class);

  private final ServiceContext context;
  private final boolean ownsContext;
  private final ApiSettings settings;
  private final DatabaseSettings database;
  private final RedisSettings redis;
  private final KafkaSettings kafka;
  private final OutboxSettings outbox;
  private final CacheSettings cache;
  private final NearCacheSettings nearCache;
  private final IdempotencySettings idempotency;
  private final LimitSettings limits;
  private final WatchSettings watchSettings;
  private final AuthSettings auth;
  private final ConsoleSettings consoleSettings;
  private final List<ExtraCheck> extraChecks = new ArrayList<>();

  private HikariDataSource pool;
  private CacheConnection cacheConnection;
  private RouteInvalidations invalidations;
  private DatabaseWatch watch;
  private IdempotencyKeySweeper sweeper;
  private ConsoleReaders console;
  private OutboxRelay relay;
  private WatchHub watches;
  private ChangeSignals changeSignals;
  private HttpApi http;
  private boolean started;
  private boolean closed;

  /**
   * Reads every setting from the context's settings now, so a bad one fails here, naming its
   * variable. The context stays the caller's to close, after this service.
   */
  public ApiService(ServiceContext context) {
    this(context, false);
  }

  /**
   * A service with a context of its own ({@code service="api"} on its meters), closed with it: for
   * a process, or a test, that runs the API alone.
   */
  public ApiService(Settings settings) {
    this(
        ServiceContext.create(
            settings, SERVICE_NAME, DatabaseFailures.OUTAGE, RedisFailures.OUTAGE),
        true);
  }

  private ApiService(ServiceContext context, boolean ownsContext) {
    this.context = Objects.requireNonNull(context, "context");
    this.ownsContext = ownsContext;
    try {
      Settings given = context.settings();
      this.settings = ApiSettings.from(given);
      this.database = DatabaseSettings.from(given);
      this.redis = RedisSettings.from(given);
      this.kafka = KafkaSettings.from(given);
      this.outbox = OutboxSettings.from(given);
      this.cache = CacheSettings.from(given);
      this.nearCache = NearCacheSettings.from(given);
      this.idempotency = IdempotencySettings.from(given);
      this.limits = LimitSettings.from(given);
      this.watchSettings = WatchSettings.from(given);
      this.auth = AuthSettings.from(given);
      this.consoleSettings = ConsoleSettings.from(given);
    } catch (RuntimeException e) {
      if (ownsContext) {
        context.close();
      }
      throw e;
    }
  }

  /**
   * Adds a component to this service's readiness report, after the API's own: the {@code local}
   * process adds the processor and the consumers. A required component that is DOWN makes the
   * process unready; an optional one only degrades it.
   *
   * @throws IllegalStateException once {@link #start()} was called
   */
  public synchronized void addHealthCheck(String name, boolean required, HealthCheck check) {
    if (started || closed) {
      throw new IllegalStateException("health checks are added before start()");
    }
    extraChecks.add(
        new ExtraCheck(
            Objects.requireNonNull(name, "name"),
            required,
            Objects.requireNonNull(check, "check")));
  }

  /**
   * Starts the service; returns once HTTP accepts requests.
   *
   * @throws IllegalStateException when called twice or after {@link #close()}
   */
  public synchronized void start() {
    if (started || closed) {
      throw new IllegalStateException("an ApiService starts once");
    }
    started = true;
    try {
      pool = database.openPool("tm-api");
      Migrations.migrate(pool);
      Jdbi jdbi = Jdbi.create(pool).installPlugin(new PostgresPlugin());
      Database db = new Database(jdbi, context.resilience());
      ObjectMapper mapper = EventJson.newMapper();
      Circuits circuits = new Circuits(context.resilience(), Clock.systemUTC());

      cacheConnection = CacheConnection.open(redis);
      NearCache near = NearCache.create(nearCache, context.meters());
      SplitCache splitCache = new SplitCache(nearCache);
      if (nearCache.enabled()) {
        invalidations =
            RouteInvalidations.subscribe(
                cacheConnection, redis.keys(), near, splitCache, context.meters());
      }
      RouteReader reader = new RouteReader(db);
      Resolver resolver =
          new Resolver(
              near,
              new RouteCache(
                  cacheConnection,
                  redis.keys(),
                  cache,
                  circuits.breaker(Dependency.REDIS),
                  context.meters()),
              reader,
              context.resilience().bulkhead(Compartment.READS));
      watches =
          new WatchHub(
              new ChangeHistory(db),
              context.resilience().bulkhead(Compartment.READS),
              watchSettings,
              context.meters(),
              System::nanoTime);
      watches.start();
      changeSignals = new ChangeSignals(kafka, watches);
      changeSignals.start();
      WatchHub hub = watches;
      WriteAnswers answers = new WriteAnswers(mapper);
      RouteWriter writer =
          new RouteWriter(
              db,
              Clock.systemUTC(),
              answers::render,
              (route, revision) -> {
                near.invalidate(route, revision);
                // This instance's own writes reach its watchers without waiting for Kafka.
                hub.poke(route.tenant());
              });

      SplitReader splitReader = new SplitReader(db);
      HttpApi.Splits splits =
          new HttpApi.Splits(
              new SplitWriter(
                  db,
                  Clock.systemUTC(),
                  answers::renderSplit,
                  (split, revision) -> {
                    splitCache.invalidate(split, revision);
                    hub.poke(split.tenant());
                  }),
              splitReader,
              new SplitResolver(
                  splitCache,
                  resolver,
                  splitReader::find,
                  context.resilience().bulkhead(Compartment.READS),
                  () -> ThreadLocalRandom.current().nextInt(SplitAssignment.BUCKETS)));

      watch = new DatabaseWatch(pool, circuits, context.meters());
      watch.start();
      sweeper = new IdempotencyKeySweeper(jdbi, idempotency, context.meters());
      sweeper.start();

      HealthReport.Builder health =
          HealthReport.builder(context.resilience(), context.draining())
              .required(Dependency.DATABASE.wireName(), watch)
              .optional(
                  Dependency.REDIS.wireName(),
                  new CacheHealth(
                      cacheConnection, circuits.breaker(Dependency.REDIS), invalidations));
      if (settings.relay()) {
        relay = new OutboxRelay(database, kafka, outbox, circuits, context.meters());
        relay.start();
        // Kafka is this API's dependency only through its relay.
        health.optional(
            Dependency.KAFKA.wireName(),
            new KafkaHealth(relay, circuits.breaker(Dependency.KAFKA), watch));
      } else {
        log.info("event=api_relay_off setting={}=off", ApiSettings.RELAY);
      }
      health.required("draining", this::drainingHealth);
      for (ExtraCheck extra : extraChecks) {
        if (extra.required()) {
          health.required(extra.name(), extra.check());
        } else {
          health.optional(extra.name(), extra.check());
        }
      }

      HealthReport report = health.build();
      TokenStore tokens = new TokenStore(db::withHandle);
      if (!auth.tokens()) {
        log.warn(
            "event=auth_off setting={}=off: the API asks for no token; anyone who reaches it may"
                + " change any tenant's routes. Use this only on a network you trust entirely.",
            AuthSettings.AUTH);
      }
      console =
          ConsoleReaders.open(
              kafka, consoleSettings, watch::backlog, () -> report.resilience().toMap());
      http =
          new HttpApi(
              new HttpApi.Backends(
                  writer,
                  reader,
                  resolver,
                  splits,
                  new AuditReader(db),
                  report,
                  console,
                  watches,
                  watchSettings),
              context,
              circuits,
              mapper,
              new HttpApi.Policy(settings.http().allowedHosts(), settings.allowPrivateUrls()),
              limits,
              new HttpApi.Auth(
                  auth.tokens()
                      ? Optional.of(new Authenticator(tokens, auth.cacheTtl(), Clock.systemUTC()))
                      : Optional.empty(),
                  auth.resolveOpen(),
                  new TokenIssuer(tokens, new TokenSecrets(new SecureRandom()), Clock.systemUTC()),
                  tokens));
      http.start(settings.http().host(), settings.http().port());
      log.info("event=api_started address={} database={}", http.boundAddress(), database.address());
    } catch (RuntimeException e) {
      try {
        close();
      } catch (RuntimeException closeFailure) {
        e.addSuppressed(closeFailure);
      }
      throw e;
    }
  }

  /**
   * The port HTTP listens on.
   *
   * @throws IllegalStateException before {@link #start()} has succeeded
   */
  public synchronized int httpPort() {
    if (http == null || closed) {
      throw new IllegalStateException("the ApiService is not running");
    }
    return http.port();
  }

  /**
   * The address HTTP is bound to.
   *
   * @throws IllegalStateException before {@link #start()} has succeeded
   */
  public synchronized InetSocketAddress httpAddress() {
    if (http == null || closed) {
      throw new IllegalStateException("the ApiService is not running");
    }
    return http.boundAddress();
  }

  /**
   * Every endpoint HTTP serves, as {@code "GET /api/v1/routes"}.
   *
   * @throws IllegalStateException before {@link #start()} has succeeded
   */
  public synchronized List<String> httpOperations() {
    if (http == null || closed) {
      throw new IllegalStateException("the ApiService is not running");
    }
    return http.operations();
  }

  /**
   * Stops HTTP gracefully (requests in flight may finish within {@code TM_DRAIN_TIMEOUT}), then the
   * relay (after publishing what is pending, if Kafka is reachable), the console's Kafka client,
   * the database watch, the idempotency-key sweeper, the near cache's subscription, the Redis
   * connection, the pool and, if this service created it, the context.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException failure = null;
    for (AutoCloseable part :
        new AutoCloseable[] {
          http == null ? null : () -> http.stop(settings.drainTimeout()),
          changeSignals,
          watches,
          relay,
          console,
          watch,
          sweeper,
          invalidations,
          cacheConnection,
          pool,
          ownsContext ? context : null
        }) {
      if (part == null) {
        continue;
      }
      try {
        part.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("the ApiService did not close cleanly", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    log.info("event=api_stopped");
    if (failure != null) {
      throw failure;
    }
  }

  private ComponentHealth drainingHealth() {
    boolean draining = context.draining().isDraining() || (http != null && http.isClosing());
    return new ComponentHealth(
        "draining",
        draining ? HealthStatus.DOWN : HealthStatus.UP,
        Map.of("in_flight", context.draining().inFlight()));
  }

  private record ExtraCheck(String name, boolean required, HealthCheck check) {}
}
