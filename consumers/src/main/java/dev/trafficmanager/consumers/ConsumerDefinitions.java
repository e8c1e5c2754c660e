package dev.trafficmanager.consumers;

import com.zaxxer.hikari.HikariDataSource;
import dev.trafficmanager.cache.CacheSettings;
import dev.trafficmanager.cache.RedisFailures;
import dev.trafficmanager.cache.RedisSettings;
import dev.trafficmanager.cache.RouteCacheWriter;
import dev.trafficmanager.consumers.audit.AuditLogHandler;
import dev.trafficmanager.consumers.cache.CacheInvalidationHandler;
import dev.trafficmanager.consumers.cache.CacheWarmingHandler;
import dev.trafficmanager.database.DatabaseFailures;
import dev.trafficmanager.database.DatabaseSettings;
import dev.trafficmanager.database.Migrations;
import dev.trafficmanager.resilience.Dependency;
import io.lettuce.core.RedisClient;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;

/** The side-effect consumers of the contract, in the order {@code local} starts them. */
public final class ConsumerDefinitions {
  /** Invalidates the changed route's Redis entry when older than the change, and tells the APIs. */
  public static final ConsumerDefinition CACHE_INVALIDATION =
      new ConsumerDefinition(
          ConsumerService.CACHE_INVALIDATION,
          Dependency.REDIS,
          RedisFailures::isTransient,
          settings -> {
            RedisSettings redis = RedisSettings.from(settings);
            return opened -> {
              RedisClient client = redis.newClient();
              opened.push(client::shutdown);
              CacheInvalidationHandler handler = new CacheInvalidationHandler(client, redis.keys());
              opened.push(handler);
              return handler;
            };
          });

  /** Writes the route's new state into the cache, never over a newer revision. */
  public static final ConsumerDefinition CACHE_WARMING =
      new ConsumerDefinition(
          ConsumerService.CACHE_WARMING,
          Dependency.REDIS,
          RedisFailures::isTransient,
          settings -> {
            RedisSettings redis = RedisSettings.from(settings);
            CacheSettings ttls = CacheSettings.from(settings);
            return opened -> {
              RedisClient client = redis.newClient();
              opened.push(client::shutdown);
              CacheWarmingHandler handler =
                  new CacheWarmingHandler(client, redis.keys(), ttls, new RouteCacheWriter());
              opened.push(handler);
              return handler;
            };
          });

  /** Appends the change to PostgreSQL's {@code audit_log}, once per event; migrates at start. */
  public static final ConsumerDefinition AUDIT_LOG =
      new ConsumerDefinition(
          ConsumerService.AUDIT_LOG,
          Dependency.DATABASE,
          DatabaseFailures::isTransient,
          settings -> {
            DatabaseSettings database = auditPool(DatabaseSettings.from(settings));
            return opened -> {
              HikariDataSource pool = database.openPool("tm-" + ConsumerService.AUDIT_LOG);
              opened.push(pool);
              Migrations.migrate(pool);
              return new AuditLogHandler(Jdbi.create(pool).installPlugin(new PostgresPlugin()));
            };
          });

  private static final List<ConsumerDefinition> ALL =
      List.of(CACHE_INVALIDATION, CACHE_WARMING, AUDIT_LOG);

  private ConsumerDefinitions() {}

  public static List<ConsumerDefinition> all() {
    return ALL;
  }

  /** The definition of that name, if there is one. */
  public static Optional<ConsumerDefinition> named(String name) {
    return ALL.stream().filter(definition -> definition.name().equals(name)).findFirst();
  }

  /**
   * One thread writes the audit log: two connections (one spare while a broken one is replaced).
   */
  private static DatabaseSettings auditPool(DatabaseSettings database) {
    return new DatabaseSettings(
        database.url(),
        database.user(),
        database.password(),
        Math.min(2, database.poolSize()),
        database.connectionTimeout(),
        database.statementTimeout());
  }
}
