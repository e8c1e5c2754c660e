package dev.trafficmanager.api.idempotency;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes idempotency keys older than their retention, every sweep interval, on one daemon thread,
 * so that the table holds about a retention's worth of keys instead of every key ever sent. Each
 * statement deletes a bounded batch and skips rows another instance is deleting, so any number of
 * API instances sweep side by side without waiting on each other.
 *
 * <p>Maintenance, not a request: it goes to the pool directly, past the breaker and the retry
 * budget, and a failed sweep is logged and tried again at the next interval.
 *
 * <p>Meter: {@code tm_idempotency_keys_expired_total}.
 */
public final class IdempotencyKeySweeper implements AutoCloseable {
  static final String EXPIRED = "tm.idempotency.keys.expired";
  private static final Logger log = LoggerFactory.getLogger(IdempotencyKeySweeper.class);
  private static final int BATCH = 1_000;

  private final Jdbi jdbi;
  private final IdempotencySettings settings;
  private final Counter expired;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "tm-idempotency-sweep");
            thread.setDaemon(true);
            return thread;
          });

  public IdempotencyKeySweeper(Jdbi jdbi, IdempotencySettings settings, MeterRegistry meters) {
    this.jdbi = jdbi;
    this.settings = settings;
    this.expired =
        Counter.builder(EXPIRED)
            .description("Idempotency keys deleted after their retention")
            .register(meters);
  }

  /** Sweeps now, then every sweep interval, until closed. */
  public void start() {
    long interval = settings.sweepInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::sweepLogged, 0, interval, TimeUnit.MILLISECONDS);
  }

  /**
   * Deletes every key older than the retention, by the database's clock, in batches.
   *
   * @return how many keys were deleted
   */
  long sweep() {
    long deleted = 0;
    int batch;
    do {
      batch =
          jdbi.withHandle(
              handle ->
                  handle
                      .createUpdate(
                          "DELETE FROM idempotency_keys WHERE idempotency_key IN ("
                              + "SELECT idempotency_key FROM idempotency_keys"
                              + " WHERE created_at < now() - make_interval(secs => :retention)"
                              + " LIMIT :batch FOR UPDATE SKIP LOCKED)")
                      .bind("retention", settings.retention().toMillis() / 1000.0)
                      .bind("batch", BATCH)
                      .execute());
      deleted += batch;
      expired.increment(batch);
    } while (batch == BATCH && !Thread.currentThread().isInterrupted());
    return deleted;
  }

  private void sweepLogged() {
    try {
      long deleted = sweep();
      if (deleted > 0) {
        log.info(
            "event=idempotency_keys_expired deleted={} retention={}",
            deleted,
            settings.retention());
      }
    } catch (RuntimeException e) {
      log.warn("event=idempotency_sweep_failed error=\"{}\"", e.toString());
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
