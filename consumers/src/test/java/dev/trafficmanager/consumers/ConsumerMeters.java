package dev.trafficmanager.consumers;

import dev.trafficmanager.consumers.runner.ConsumerMetrics;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

/** Reads one consumer's meters from a registry, as a scrape would. */
final class ConsumerMeters {
  private final MeterRegistry registry;
  private final String consumer;

  ConsumerMeters(MeterRegistry registry, String consumer) {
    this.registry = registry;
    this.consumer = consumer;
  }

  /** The meter's value, or -1 while it is not registered. */
  double value(String name) {
    Meter meter = registry.find(name).tag(ConsumerMetrics.TAG, consumer).meter();
    if (meter == null) {
      return -1;
    }
    for (Measurement measurement : meter.measure()) {
      return measurement.getValue();
    }
    return -1;
  }

  double processed() {
    return value(ConsumerMetrics.RECORDS_PROCESSED);
  }

  double deadLettered() {
    return value(ConsumerMetrics.DLQ_RECORDS);
  }

  double lag() {
    return value(ConsumerMetrics.LAG);
  }

  double paused() {
    return value(ConsumerMetrics.PAUSED);
  }
}
