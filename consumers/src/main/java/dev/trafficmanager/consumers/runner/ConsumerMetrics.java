package dev.trafficmanager.consumers.runner;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One consumer's meters, tagged {@code consumer=<name>} (Prometheus names):
 *
 * <ul>
 *   <li>{@code tm_consumer_records_processed_total}: records whose side effect was applied;
 *   <li>{@code tm_consumer_retries_total}: failed attempts (a handler call, or a dead-letter write)
 *       after which the record was put back to be tried again;
 *   <li>{@code tm_consumer_retries_refused_total}: retries the sink's retry budget refused; the
 *       record waited instead, no call was made;
 *   <li>{@code tm_consumer_dlq_records_total}: records written to the consumer's dead-letter topic;
 *   <li>{@code tm_consumer_lag_records}: records on the consumer's partitions not handled yet (the
 *       client's own {@code currentLag} of each assigned partition, summed: the high watermark of
 *       its last fetch minus the position), as of its last poll;
 *   <li>{@code tm_consumer_paused}: 1 while any of its partitions is paused, waiting for a retry or
 *       for the sink's circuit breaker, else 0.
 * </ul>
 *
 * {@link #close()} removes them from the registry, so that a consumer started again in the same
 * process registers fresh ones.
 */
public final class ConsumerMetrics implements AutoCloseable {
  public static final String RECORDS_PROCESSED = "tm.consumer.records.processed";
  public static final String RETRIES = "tm.consumer.retries";
  public static final String RETRIES_REFUSED = "tm.consumer.retries.refused";
  public static final String DLQ_RECORDS = "tm.consumer.dlq.records";
  public static final String LAG = "tm.consumer.lag.records";
  public static final String PAUSED = "tm.consumer.paused";
  public static final String TAG = "consumer";

  private final MeterRegistry registry;
  private final Counter processed;
  private final Counter retries;
  private final Counter retriesRefused;
  private final Counter deadLettered;
  // Gauges hold their state weakly: these fields keep it alive as long as this object.
  private final AtomicLong lag = new AtomicLong();
  private final AtomicInteger paused = new AtomicInteger();
  private final List<Meter> meters;

  public ConsumerMetrics(String consumer, MeterRegistry registry) {
    Objects.requireNonNull(consumer, "consumer");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.processed =
        Counter.builder(RECORDS_PROCESSED)
            .description("Records whose side effect the consumer applied")
            .tag(TAG, consumer)
            .register(registry);
    this.retries =
        Counter.builder(RETRIES)
            .description("Failed attempts after which a record was put back to be tried again")
            .tag(TAG, consumer)
            .register(registry);
    this.retriesRefused =
        Counter.builder(RETRIES_REFUSED)
            .description("Retries refused by the sink's retry budget; the record waited instead")
            .tag(TAG, consumer)
            .register(registry);
    this.deadLettered =
        Counter.builder(DLQ_RECORDS)
            .description("Records written to the consumer's dead-letter topic")
            .tag(TAG, consumer)
            .register(registry);
    Gauge lagGauge =
        Gauge.builder(LAG, lag, AtomicLong::get)
            .description("Records on the consumer's partitions not handled yet")
            .tag(TAG, consumer)
            .register(registry);
    Gauge pausedGauge =
        Gauge.builder(PAUSED, paused, AtomicInteger::get)
            .description("1 while a partition of the consumer is paused, else 0")
            .tag(TAG, consumer)
            .register(registry);
    this.meters = List.of(processed, retries, retriesRefused, deadLettered, lagGauge, pausedGauge);
  }

  void processed(int records) {
    if (records > 0) {
      processed.increment(records);
    }
  }

  void retried() {
    retries.increment();
  }

  void retryRefused() {
    retriesRefused.increment();
  }

  void deadLettered() {
    deadLettered.increment();
  }

  void lag(long records) {
    lag.set(records);
  }

  void paused(boolean isPaused) {
    paused.set(isPaused ? 1 : 0);
  }

  @Override
  public void close() {
    meters.forEach(registry::remove);
  }
}
