package dev.trafficmanager.api;

import dev.trafficmanager.database.DatabaseSettings;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/**
 * Makes a test environment's database unreachable and reachable again, from the server side: new
 * sessions are refused and the open ones ended, as when PostgreSQL goes away. Other tests'
 * databases on the same server are not touched.
 */
final class DatabaseSwitch {
  private static final Pattern URL = Pattern.compile("(jdbc:postgresql://[^/]+/)([^?]+)(.*)");

  private final Jdbi admin;
  private final String name;

  DatabaseSwitch(DatabaseSettings database) {
    Matcher url = URL.matcher(database.url());
    if (!url.matches()) {
      throw new IllegalArgumentException("unexpected database url " + database.url());
    }
    this.name = url.group(2);
    this.admin =
        Jdbi.create(url.group(1) + "postgres" + url.group(3), database.user(), database.password());
  }

  void cut() {
    admin.useHandle(
        h -> {
          h.execute("ALTER DATABASE " + name + " ALLOW_CONNECTIONS false");
          h.createQuery(
                  "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :db")
              .bind("db", name)
              .mapTo(Boolean.class)
              .list();
        });
  }

  void restore() {
    admin.useHandle(h -> h.execute("ALTER DATABASE " + name + " ALLOW_CONNECTIONS true"));
  }
}
