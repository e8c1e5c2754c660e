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
}
