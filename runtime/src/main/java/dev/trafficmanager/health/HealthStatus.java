package dev.trafficmanager.health;

/** How well a component, or the whole process, works. */
public enum HealthStatus {
  /** Works as designed. */
  UP,
  /** Works with reduced function (Redis down: reads go to PostgreSQL); still ready for traffic. */
  DEGRADED,
  /** Does not work; a required component that is down makes the process unready. */
  DOWN
}
