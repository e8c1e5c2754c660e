package dev.trafficmanager.resilience;

/**
 * A remote dependency that has its own circuit breaker and retry budget in every process. The wire
 * name is how it appears in metric tags, breaker names and health reports.
 */
public enum Dependency {
  DATABASE("postgresql"),
  REDIS("redis"),
  KAFKA("kafka");

  private final String wireName;

  Dependency(String wireName) {
    this.wireName = wireName;
  }

  /** {@code postgresql}, {@code redis} or {@code kafka}. */
  public String wireName() {
    return wireName;
  }

  @Override
  public String toString() {
    return wireName;
  }
}
