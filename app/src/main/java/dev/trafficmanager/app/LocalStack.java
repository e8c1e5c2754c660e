package dev.trafficmanager.app;

import dev.trafficmanager.api.ApiService;
import dev.trafficmanager.config.DatabaseSettings;
import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.config.RedisSettings;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.consumers.ConsumerService;
import dev.trafficmanager.embedded.EmbeddedKafka;
import dev.trafficmanager.embedded.EmbeddedPostgresServer;
import dev.trafficmanager.embedded.EmbeddedRedisServer;
import dev.trafficmanager.kafka.TopicCreator;
import dev.trafficmanager.processor.ProcessorConfig;
import dev.trafficmanager.processor.ProcessorService;
import dev.trafficmanager.service.ServiceContext;
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
  static final String KAFKA_PORT = "TM_LOCAL_KAFKA_PORT";
  static final String DB_PORT = "TM_LOCAL_DB_PORT";
  static final String REDIS_PORT = "TM_LOCAL_REDIS_PORT";
  static final String DATABASE = "traffic_manager";
  static final String SERVICE_NAME = "local";

  private static final Logger log = LoggerFactory.getLogger(LocalStack.class);

  private final Settings given;
  private final ServiceContext context;
  private final ServiceLifecycle lifecycle;
  private Settings effective;
  private ApiService api;

  LocalStack(Settings given) {
    this.given = given;
    // Read before the context is created, so that a bad value leaves nothing open.
    Duration grace = DrainSettings.from(given, Duration.ZERO).grace();
    this.context = ServiceContext.create(given, SERVICE_NAME);
    this.lifecycle = new ServiceLifecycle(context.draining(), grace);
    lifecycle.started(context);
  }

  /**
   * Starts everything and returns once the pipeline serves; on failure stops what it started.
   * Services stop in the reverse order: the API first (it drains requests and flushes the relay),
   * then the processor and the consumers (committing their offsets), then the servers.
   */
  Settings start() {
    long startedAt = System.nanoTime();
    try {
      effective = given.with(startEmbeddedServers());
      new TopicCreator(KafkaSettings.from(effective)).createMissing();
      ServiceContext shared = context.withSettings(effective);
      List<ConsumerService> consumers = new ArrayList<>();
      for (String name : ConsumerService.names()) {
        ConsumerService consumer = lifecycle.started(new ConsumerService(name, shared));
        consumer.start();
        consumers.add(consumer);
      }
      ProcessorService processor = lifecycle.started(new ProcessorService(shared));
      processor.start();
      api = lifecycle.started(new ApiService(shared));
      // Reads and writes go on without them, so they degrade readiness rather than remove it.
      api.addHealthCheck(ProcessorService.HEALTH_NAME, false, processor::health);
      consumers.forEach(c -> api.addHealthCheck("consumer-" + c.name(), false, c::health));
      api.start();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    log.info(
        "Traffic Manager is ready in {} ms\n  HTTP      http://localhost:{}\n  Kafka     {}\n"
            + "  Postgres  {}\n  Redis     {}",
        (System.nanoTime() - startedAt) / 1_000_000,
        api.httpPort(),
        KafkaSettings.from(effective).bootstrapServers(),
        DatabaseSettings.from(effective).url(),
        RedisSettings.from(effective).url());
    return effective;
  }

  int httpPort() {
    return api.httpPort();
  }

  void awaitShutdownSignal() throws InterruptedException {
    lifecycle.awaitShutdownSignal();
  }

  private Map<String, String> startEmbeddedServers() {
    Path stateDir = Path.of(given.string(STATE_DIR, ".traffic-manager")).toAbsolutePath();
    Map<String, String> endpoints = new HashMap<>();
    // Registered before the services, so stopped after every service that uses them.
    if (!given.isSet(DatabaseSettings.URL)) {
      var postgres =
          lifecycle.started(
              new EmbeddedPostgresServer(
                  stateDir.resolve("postgres"), given.integer(DB_PORT, 5432, 0, 65535)));
      postgres.start();
      postgres.createDatabase(DATABASE);
      endpoints.put(DatabaseSettings.URL, postgres.jdbcUrl(DATABASE));
      endpoints.put(DatabaseSettings.USER, postgres.user());
      endpoints.put(DatabaseSettings.PASSWORD, postgres.password());
    }
    if (!given.isSet(RedisSettings.URL)) {
      var redis =
          lifecycle.started(
              new EmbeddedRedisServer(
                  stateDir.resolve("redis"), given.integer(REDIS_PORT, 6379, 0, 65535)));
      redis.start();
      endpoints.put(RedisSettings.URL, redis.url());
    }
    if (!given.isSet(KafkaSettings.BOOTSTRAP)) {
      var kafka =
          lifecycle.started(
              new EmbeddedKafka(
                  stateDir.resolve("kafka"), given.integer(KAFKA_PORT, 9092, 0, 65535)));
      kafka.start();
      endpoints.put(KafkaSettings.BOOTSTRAP, kafka.bootstrapServers());
    }
    if (!given.isSet(ProcessorConfig.STATE_DIR)) {
      endpoints.put(ProcessorConfig.STATE_DIR, stateDir.resolve("streams").toString());
    }
    return endpoints;
  }

  @Override
  public void close() {
    lifecycle.close();
  }
}
