package dev.trafficmanager.resilience;

import dev.trafficmanager.config.Settings;
import java.time.Duration;
import java.util.Objects;

/**
 * How many calls of each {@link Compartment} may run at once in one process, and how long a call
 * may wait for a free place before it is refused. Defaults: 20 reads, 10 writes, 10 audit queries,
 * 50 ms wait: long enough to ride out a burst, short enough that a full bulkhead answers at once
 * instead of queueing its callers. Writes get as many places as the connection pool has connections
 * (10 by default): a write holds one connection for its transaction, so fewer places would shed
 * writes while PostgreSQL still had idle connections; 5 shed 3.7 % of writes offered at 500/s on a
 * 2-core machine.
 */
public record BulkheadSettings(int reads, int writes, int audit, Duration maxWait) {
  public static final String READS = "TM_BULKHEAD_READS";
  public static final String WRITES = "TM_BULKHEAD_WRITES";
  public static final String AUDIT = "TM_BULKHEAD_AUDIT";
  public static final String MAX_WAIT = "TM_BULKHEAD_MAX_WAIT";

  public static final BulkheadSettings DEFAULTS =
      new BulkheadSettings(20, 10, 10, Duration.ofMillis(50));

  public BulkheadSettings {
    Objects.requireNonNull(maxWait, "maxWait");
    if (reads < 1 || writes < 1 || audit < 1 || maxWait.isNegative()) {
      throw new IllegalArgumentException(
          "need limits >= 1 and a wait >= 0, got "
              + reads
              + ", "
              + writes
              + ", "
              + audit
              + ", "
              + maxWait);
    }
  }

  /**
   * @throws dev.trafficmanager.config.InvalidSettingException naming the variable out of range
   */
  public static BulkheadSettings from(Settings settings) {
    return new BulkheadSettings(
        settings.integer(READS, DEFAULTS.reads, 1, 10_000),
        settings.integer(WRITES, DEFAULTS.writes, 1, 10_000),
        settings.integer(AUDIT, DEFAULTS.audit, 1, 10_000),
        settings.duration(MAX_WAIT, DEFAULTS.maxWait, Duration.ZERO, Duration.ofSeconds(10)));
  }

  /** The number of concurrent calls one compartment allows. */
  public int limit(Compartment compartment) {
    return switch (compartment) {
      case READS -> reads;
      case WRITES -> writes;
      case AUDIT -> audit;
    };
  }
}
