package dev.trafficmanager.database;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The database schema, owned in one place because more than one service needs it: the API (routes,
 * outbox, idempotency keys, audit queries) and the audit-log consumer. Every service that uses the
 * database migrates it at start; Flyway's own lock makes concurrent starts safe.
 */
public final class Migrations {
  private static final String LOCATION = "classpath:db/migration";

  private Migrations() {}

  public static void migrate(DataSource dataSource) {
    Flyway.configure().dataSource(dataSource).locations(LOCATION).load().migrate();
  }

  /**
   * Migrates over a connection of its own, for a command or a test that needs the schema without a
   * pool (the {@code tokens} command, which may run before any service has started).
   */
  public static void migrate(DatabaseSettings database) {
    Flyway.configure()
        .dataSource(database.url(), database.user(), database.password())
        .locations(LOCATION)
        .load()
        .migrate();
  }
}
