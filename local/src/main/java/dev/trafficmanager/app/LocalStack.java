package dev.trafficmanager.app;

import dev.trafficmanager.api.ApiService;
import dev.trafficmanager.api.ApiSettings;
import dev.trafficmanager.cache.RedisFailures;
import dev.trafficmanager.cache.RedisSettings;
import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.consumers.ConsumerService;
import dev.trafficmanager.database.DatabaseFailures;
import dev.trafficmanager.database.DatabaseSettings;
import dev.trafficmanager.embedded.EmbeddedKafka;
import dev.trafficmanager.embedded.EmbeddedPostgresServer;
import dev.trafficmanager.embedded.EmbeddedRedisServer;
import dev.trafficmanager.embedded.EmbeddedServer;
import dev.trafficmanager.http.HttpSettings;
import dev.trafficmanager.kafka.TopicCreator;
import dev.trafficmanager.processor.ProcessorConfig;
import dev.trafficmanager.processor.ProcessorService;
import dev.trafficmanager.service.ServiceContext;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline in one process: a real Kafka broker in-process, real PostgreSQL and Redis as
 * child processes (each skipped when its external setting is given), then the API with its outbox
 * relay, the processor and the consumers, sharing one service context. Data lives under one state
 * directory, so a restart keeps it.
 */
final class LocalStack implements AutoCloseable {
  static final String STATE_DIR = "TM_LOCAL_STATE_DIR";
  static final LocalPort KAFKA_PORT = new LocalPort("TM_LOCAL_KAFKA_PORT", 9092, "Kafka");
  static final LocalPort DB_PORT = new LocalPort("TM_LOCAL_DB_PORT", 5432, "PostgreSQL");
  static final LocalPort REDIS_PORT = new LocalPort("TM_LOCAL_REDIS_PORT", 6379, "Redis");
  static final LocalPort HTTP_PORT =
      new LocalPort(HttpSettings.PORT, HttpSettings.DEFAULT_PORT, "HTTP");
  static final String DATABASE = "traffic_manager";
  // A developer's machine is no server: the API answers this machine only, unless TM_HTTP_HOST
  // says otherwise, and then only under the names a browser on it uses (DNS rebinding).
  static final String LOOPBACK = "127.0.0.1";
  static final String LOOPBACK_NAMES = "localhost,127.0.0.1,[::1]";
  static final String SERVICE_NAME = "local";

  private static final Logger log = LoggerFactory.getLogger(LocalStack.class);

  // Null when TM_DB_URL names an external server.
  private final EmbeddedPostgresServer postgres;
  private final List<EmbeddedServer> servers = new ArrayList<>();
  private final Settings effective;
  private final Path stateDir;
  private final String stateDirAsGiven;
  private final ServiceContext context;
  private final ServiceLifecycle lifecycle;
  private final List<ConsumerService> consumers = new ArrayList<>();
  private final ProcessorService processor;
  private final ApiService api;

  /**
   * Reads every setting, and chooses every port, before any server starts: a bad setting is one
   * error naming it, with nothing started to stop.
   *
   * @throws dev.trafficmanager.config.InvalidSettingException naming the first bad setting
   */
  LocalStack(Settings given) {
    Duration grace = DrainSettings.from(given, Duration.ZERO).grace();
    stateDirAsGiven = given.string(STATE_DIR, ".traffic-manager");
    stateDir = Path.of(stateDirAsGiven).toAbsolutePath();
    Map<String, String> chosen = new HashMap<>();
    chosen.put(HttpSettings.PORT, Integer.toString(HTTP_PORT.choose(given)));
    if (!given.isSet(ApiSettings.URL_ALLOW_PRIVATE)) {
      // A developer's routes point at services on their own machine.
      chosen.put(ApiSettings.URL_ALLOW_PRIVATE, "on");
    }
    if (!given.isSet(HttpSettings.HOST)) {
      chosen.put(HttpSettings.HOST, LOOPBACK);
      if (!given.isSet(HttpSettings.ALLOWED_HOSTS)) {
        chosen.put(HttpSettings.ALLOWED_HOSTS, LOOPBACK_NAMES);
      }
    }
    if (given.isSet(DatabaseSettings.URL)) {
      postgres = null;
    } else {
      postgres = new EmbeddedPostgresServer(stateDir.resolve("postgres"), DB_PORT.choose(given));
      servers.add(postgres);
      chosen.put(DatabaseSettings.URL, postgres.jdbcUrl(DATABASE));
      chosen.put(DatabaseSettings.USER, postgres.user());
      chosen.put(DatabaseSettings.PASSWORD, postgres.password());
    }
    if (!given.isSet(RedisSettings.URL)) {
      var redis = new EmbeddedRedisServer(stateDir.resolve("redis"), REDIS_PORT.choose(given));
      servers.add(redis);
      chosen.put(RedisSettings.URL, redis.url());
    }
    if (!given.isSet(KafkaSettings.BOOTSTRAP)) {
      var kafka = new EmbeddedKafka(stateDir.resolve("kafka"), KAFKA_PORT.choose(given));
      servers.add(kafka);
      chosen.put(KafkaSettings.BOOTSTRAP, kafka.bootstrapServers());
    }
    if (!given.isSet(ProcessorConfig.STATE_DIR)) {
      chosen.put(ProcessorConfig.STATE_DIR, stateDir.resolve("streams").toString());
    }
    effective = given.with(chosen);
    context =
        ServiceContext.create(
            effective, SERVICE_NAME, DatabaseFailures.OUTAGE, RedisFailures.OUTAGE);
    try {
      // The services read their settings when built and connect to nothing until started.
      for (String name : ConsumerService.names()) {
        consumers.add(new ConsumerService(name, context));
      }
      processor = new ProcessorService(context);
      api = new ApiService(context);
    } catch (RuntimeException e) {
      context.close();
      throw e;
    }
    lifecycle = new ServiceLifecycle(context.draining(), grace);
    lifecycle.started(context);
  }

  /**
   * Starts everything and returns once the pipeline serves; on failure stops what it started.
   * Services stop in the reverse order: the API first (it drains requests and flushes the relay),
   * then the processor and the consumers (committing their offsets), then the servers.
   *
   * @return the settings the services run with: the given ones and the embedded servers' addresses
   */
  Settings start() {
    long startedAt = System.nanoTime();
    try {
      // Registered before the services, so stopped after every service that uses them.
      for (EmbeddedServer server : servers) {
        lifecycle.started(server).start();
      }
      if (postgres != null) {
        postgres.createDatabase(DATABASE);
      }
      new TopicCreator(KafkaSettings.from(effective)).createMissing();
      for (ConsumerService consumer : consumers) {
        lifecycle.started(consumer).start();
      }
      lifecycle.started(processor).start();
      // Reads and writes go on without them, so they degrade readiness rather than remove it.
      api.addHealthCheck(ProcessorService.HEALTH_NAME, false, processor::health);
      consumers.forEach(c -> api.addHealthCheck("consumer-" + c.name(), false, c::health));
      lifecycle.started(api).start();
      LocalAdminToken.ensure(stateDir, DatabaseSettings.from(effective));
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    // Addresses only: the URLs and settings carry the servers' passwords, and the token is the
    // file's to show, never the log's.
    log.info(
        """
        Traffic Manager is ready in {} ms
          HTTP      http://localhost:{} (bound to {})
          Kafka     {}
          Postgres  {}
          Redis     {}
          Token     an admin token is in {}: export TM_TOKEN=$(cat {}), then
                    curl -H "Authorization: Bearer $TM_TOKEN" localhost:{}/api/v1/tokens\
        """,
        (System.nanoTime() - startedAt) / 1_000_000,
        api.httpPort(),
        api.httpAddress(),
        KafkaSettings.from(effective).bootstrapServers(),
        DatabaseSettings.from(effective).address(),
        RedisSettings.from(effective).address(),
        adminTokenFile(),
        adminTokenFile(),
        api.httpPort());
    return effective;
  }

  /** Where the admin token is kept, as the state directory was given (relative by default). */
  String adminTokenFile() {
    return Path.of(stateDirAsGiven).resolve(LocalAdminToken.FILE).toString();
  }

  int httpPort() {
    return api.httpPort();
  }

  InetSocketAddress httpAddress() {
    return api.httpAddress();
  }

  void awaitShutdownSignal() throws InterruptedException {
    lifecycle.awaitShutdownSignal();
  }

  @Override
  public void close() {
    lifecycle.close();
  }
}
