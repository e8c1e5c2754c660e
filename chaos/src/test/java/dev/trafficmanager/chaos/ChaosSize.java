package dev.trafficmanager.chaos;

import java.time.Duration;
import java.util.Locale;

/**
 * How big the chaos suite runs. CI runs it {@link #SMALL}: short phases at a modest rate, so the
 * whole suite adds a few minutes. {@code -Dchaos.size=full} (or {@code TM_CHAOS_SIZE=full}) runs it
 * {@link #FULL}: longer phases, more tenants and routes, a higher rate.
 *
 * @param tenants tenants writing at once, each on its own client thread
 * @param routesPerTenant routes each tenant changes in turn
 * @param writesPerSecond the steady write rate over all tenants
 * @param before how long the load runs before the fault
 * @param after how long the load keeps running after the fault (and its repair) before it stops
 * @param freeze how long a frozen relay leader stays frozen
 * @param outage how long a restarted server stays down
 * @param burst how long a burst of ten times the steady rate lasts
 */
record ChaosSize(
    String name,
    int tenants,
    int routesPerTenant,
    int writesPerSecond,
    Duration before,
    Duration after,
    Duration freeze,
    Duration outage,
    Duration burst) {
  static final ChaosSize SMALL =
      new ChaosSize(
          "small",
          4,
          5,
          24,
          Duration.ofSeconds(4),
          Duration.ofSeconds(5),
          Duration.ofSeconds(15),
          Duration.ofSeconds(6),
          Duration.ofSeconds(8));
  static final ChaosSize FULL =
      new ChaosSize(
          "full",
          8,
          25,
          120,
          Duration.ofSeconds(15),
          Duration.ofSeconds(30),
          Duration.ofSeconds(30),
          Duration.ofSeconds(20),
          Duration.ofSeconds(30));

  /** Ten times the steady rate, from four times as many tenants (each a writer thread). */
  ChaosSize burstSize() {
    return new ChaosSize(
        name + "-burst",
        tenants * 4,
        routesPerTenant,
        writesPerSecond * 10,
        before,
        after,
        freeze,
        outage,
        burst);
  }

  static final String PROPERTY = "chaos.size";
  static final String VARIABLE = "TM_CHAOS_SIZE";

  /** The size the system property asks for, else the environment variable, else small. */
  static ChaosSize chosen() {
    String asked = System.getProperty(PROPERTY, System.getenv().getOrDefault(VARIABLE, "small"));
    return switch (asked.toLowerCase(Locale.ROOT)) {
      case "small" -> SMALL;
      case "full" -> FULL;
      default ->
          throw new IllegalArgumentException(
              PROPERTY + " (or " + VARIABLE + ") is '" + asked + "': expected small or full");
    };
  }
}
