package dev.trafficmanager.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.trafficmanager.api.http.HttpApi;
import dev.trafficmanager.api.http.WriteAnswers;
import dev.trafficmanager.api.outbox.OutboxRelay;
import dev.trafficmanager.api.outbox.OutboxSettings;
import dev.trafficmanager.api.resolve.CacheConnection;
import dev.trafficmanager.api.resolve.Resolver;
import dev.trafficmanager.api.resolve.RouteCache;
import dev.trafficmanager.api.routes.RouteReader;
import dev.trafficmanager.api.routes.RouteWriter;
import dev.trafficmanager.config.DatabaseSettings;
import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.config.RedisSettings;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.database.Migrations;
import dev.trafficmanager.event.EventJson;
import java.time.Clock;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API service and its composition root: the HTTP API (writes, reads, resolve, health), its
 * PostgreSQL pool and migrations, the Redis resolve cache and the outbox relay.
 *
 * <p>{@link #start()} migrates the database with Flyway, then starts the relay and HTTP on {@code
 * TM_HTTP_PORT}. Redis being down does not stop it (reads fall back to PostgreSQL); PostgreSQL
 * being down does (the migration fails). {@link #close()} stops what was started, in reverse, and
 * may be called any number of times; a failed {@code start()} has already closed what it opened.
 */
public final class ApiService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ApiService.class);

  private final ApiSettings settings;
  private final DatabaseSettings database;
  private final RedisSettings redis;
  private final KafkaSettings kafka;
  private final OutboxSettings outbox;

  private HikariDataSource pool;
  private CacheConnection cacheConnection;
  private OutboxRelay relay;
  private HttpApi http;
  private boolean started;
  private boolean closed;

  /** Reads every setting now, so a bad one fails here, naming its variable. */
  public ApiService(Settings settings) {
    this.settings = ApiSettings.from(settings);
    this.database = DatabaseSettings.from(settings);
    this.redis = RedisSettings.from(settings);
    this.kafka = KafkaSettings.from(settings);
    this.outbox = OutboxSettings.from(settings);
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
      ObjectMapper mapper = EventJson.newMapper();

      cacheConnection = CacheConnection.open(redis);
      RouteReader reader = new RouteReader(jdbi);
      Resolver resolver =
          new Resolver(
              new RouteCache(
                  cacheConnection, redis.keys(), settings.cacheTtl(), settings.negativeCacheTtl()),
              reader);
      RouteWriter writer =
          new RouteWriter(jdbi, Clock.systemUTC(), new WriteAnswers(mapper)::render);

      relay = new OutboxRelay(database, kafka, outbox);
      relay.start();

      http = new HttpApi(writer, reader, resolver, mapper);
      http.start(settings.httpPort());
      log.info("event=api_started port={} database={}", http.port(), database.url());
    } catch (RuntimeException e) {
      close();
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

  /** Stops HTTP, then the relay, the Redis connection and the pool. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException failure = null;
    for (AutoCloseable part :
        new AutoCloseable[] {http == null ? null : http::stop, relay, cacheConnection, pool}) {
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
}
