package dev.trafficmanager.resilience;

/**
 * A kind of work that gets its own bulkhead, so that a flood of one (slow audit queries) cannot
 * take the threads and connections the others need (resolving routes, accepting writes).
 */
public enum Compartment {
  READS("reads"),
  WRITES("writes"),
  AUDIT("audit");

  private final String wireName;

  Compartment(String wireName) {
    this.wireName = wireName;
  }

  /** The bulkhead's name: {@code reads}, {@code writes} or {@code audit}. */
  public String wireName() {
    return wireName;
  }

  @Override
  public String toString() {
    return wireName;
  }
}
