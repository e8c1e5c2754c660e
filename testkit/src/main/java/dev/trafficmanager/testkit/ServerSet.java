package dev.trafficmanager.testkit;

import dev.trafficmanager.cache.RedisSettings;
import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.database.DatabaseSettings;
import dev.trafficmanager.embedded.EmbeddedKafka;
import dev.trafficmanager.embedded.EmbeddedPostgresServer;
import dev.trafficmanager.embedded.EmbeddedRedisServer;
import dev.trafficmanager.embedded.EmbeddedServer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka, PostgreSQL and Redis servers one test JVM shares: each one external when its variable
 * is set in the environment, embedded otherwise. Closing it stops the embedded ones.
 */
final class ServerSet implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServerSet.class);

  private final String kafkaBootstrap;
  private final DatabaseServer database;
  private final String redisUrl;
  private final List<EmbeddedServer> embedded;
  private final ServerControl control;

  private ServerSet(
      String kafkaBootstrap,
      DatabaseServer database,
      String redisUrl,
      List<EmbeddedServer> embedded,
      ServerControl control) {
    this.kafkaBootstrap = kafkaBootstrap;
    this.database = database;
    this.redisUrl = redisUrl;
    this.embedded = embedded;
    this.control = control;
  }

  /**
   * Uses the servers named by {@code TM_KAFKA_BOOTSTRAP}, {@code TM_DB_URL} (with {@code
   * TM_DB_USER}, {@code TM_DB_PASSWORD}) and {@code TM_REDIS_URL}; starts an embedded server, in
   * parallel, for each one that is not set.
   */
  static ServerSet start(Settings environment) {
    EmbeddedKafka kafka =
        environment.isSet(KafkaSettings.BOOTSTRAP) ? null : EmbeddedKafka.temporary();
    EmbeddedPostgresServer postgres =
        environment.isSet(DatabaseSettings.URL) ? null : EmbeddedPostgresServer.temporary();
    EmbeddedRedisServer redis =
        environment.isSet(RedisSettings.URL) ? null : EmbeddedRedisServer.temporary();
    List<EmbeddedServer> embedded = new ArrayList<>();
    Map<ServerControl.Server, EmbeddedServer> byName = new EnumMap<>(ServerControl.Server.class);
    for (EmbeddedServer server : new EmbeddedServer[] {kafka, postgres, redis}) {
      if (server != null) {
        embedded.add(server);
      }
    }
    if (kafka != null) {
      byName.put(ServerControl.Server.KAFKA, kafka);
    }
    if (postgres != null) {
      byName.put(ServerControl.Server.POSTGRESQL, postgres);
    }
    if (redis != null) {
      byName.put(ServerControl.Server.REDIS, redis);
    }
    startAll(embedded);

    ServerSet servers =
        new ServerSet(
            kafka == null
                ? environment.string(KafkaSettings.BOOTSTRAP, "")
                : kafka.bootstrapServers(),
            postgres == null
                ? new DatabaseServer(
                    environment.string(DatabaseSettings.URL, ""),
                    environment.string(DatabaseSettings.USER, "postgres"),
                    environment.string(DatabaseSettings.PASSWORD, ""))
                : new DatabaseServer(
                    postgres.jdbcUrl("postgres"), postgres.user(), postgres.password()),
            redis == null ? environment.string(RedisSettings.URL, "") : redis.url(),
            List.copyOf(embedded),
            new ServerControl(byName));
    log.info(
        "test servers kafka={} kafka_source={} postgres={} postgres_source={} redis={} redis_source={}",
        servers.kafkaBootstrap,
        kafka == null ? "external" : "embedded",
        servers.database.adminUrl(),
        postgres == null ? "external" : "embedded",
        // The URL carries the password of the embedded server (or of an external one).
        servers.redisUrl.replaceFirst("//[^@/]*@", "//"),
        redis == null ? "external" : "embedded");
    return servers;
  }

  /**
   * Starts the servers side by side; if one fails, closes them all, each even when another's close
   * fails, and rethrows the start failure with the close failures suppressed in it.
   */
  static void startAll(List<EmbeddedServer> servers) {
    if (servers.isEmpty()) {
      return;
    }
    // Not the common pool: on a small machine it has a single thread and would start them in turn.
    ExecutorService executor = Executors.newFixedThreadPool(servers.size());
    try {
      List<CompletableFuture<Void>> starting =
          servers.stream()
              .map(server -> CompletableFuture.runAsync(server::start, executor))
              .toList();
      RuntimeException failure = null;
      for (CompletableFuture<Void> future : starting) {
        try {
          future.join();
        } catch (CompletionException e) {
          RuntimeException cause = e.getCause() instanceof RuntimeException runtime ? runtime : e;
          if (failure == null) {
            failure = cause;
          } else {
            failure.addSuppressed(cause);
          }
        }
      }
      if (failure != null) {
        try {
          closeAll(servers);
        } catch (RuntimeException closeFailure) {
          failure.addSuppressed(closeFailure);
        }
        throw failure;
      }
    } finally {
      executor.shutdown();
    }
  }

  String kafkaBootstrap() {
    return kafkaBootstrap;
  }

  DatabaseServer database() {
    return database;
  }

  String redisUrl() {
    return redisUrl;
  }

  ServerControl control() {
    return control;
  }

  /** Stops the embedded servers, Kafka last. */
  @Override
  public void close() {
    closeAll(embedded);
  }

  /**
   * Closes the servers in the reverse of their order, every one of them even when one fails, then
   * throws the first failure with the others suppressed in it.
   */
  private static void closeAll(List<EmbeddedServer> servers) {
    RuntimeException failure = null;
    for (int i = servers.size() - 1; i >= 0; i--) {
      try {
        servers.get(i).close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
