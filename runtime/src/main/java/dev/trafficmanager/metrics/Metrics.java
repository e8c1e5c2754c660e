package dev.trafficmanager.metrics;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Objects;

/**
 * One process's meter registry, exposed in the Prometheus text format. Every meter carries the tag
 * {@code service=<serviceName>}; the JVM and process meters are bound from the start ({@code
 * jvm_memory_*}, {@code jvm_gc_*}, {@code jvm_threads_*}, {@code jvm_classes_*}, {@code
 * system_cpu_*}, {@code process_cpu_*}, {@code process_uptime_seconds}, {@code process_files_*}).
 * Micrometer turns dotted names into Prometheus ones: {@code tm.retry.budget.rejections} is scraped
 * as {@code tm_retry_budget_rejections_total}.
 *
 * <p>Built once per process and shared; {@link #close()} stops the GC listener and the registry.
 */
public final class Metrics implements AutoCloseable {
  /** The content type of {@link #scrape()}: the Prometheus text exposition format 0.0.4. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** The common tag every meter of the process carries. */
  public static final String SERVICE_TAG = "service";

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc;

  public Metrics(String serviceName) {
    Objects.requireNonNull(serviceName, "serviceName");
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags(SERVICE_TAG, serviceName);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    this.gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
  }

  /** Where services register their meters. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The body of {@code GET /metrics}, in {@link #CONTENT_TYPE}. */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
