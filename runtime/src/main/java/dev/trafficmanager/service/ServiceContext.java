package dev.trafficmanager.service;

import dev.trafficmanager.config.InvalidSettingException;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.health.Draining;
import dev.trafficmanager.kafka.KafkaFailures;
import dev.trafficmanager.metrics.Metrics;
import dev.trafficmanager.resilience.OutageRule;
import dev.trafficmanager.resilience.Resilience;
import dev.trafficmanager.resilience.ResilienceSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What every service of one process shares: its settings, one {@link Resilience} (one breaker and
 * one retry budget per dependency, the bulkheads), one meter registry and one {@link Draining}
 * switch. Services take it in their constructors instead of building their own, so that the api and
 * the consumers in one process see the same breakers and draw on the same budgets.
 *
 * <p>Whoever creates the context closes it, after every service using it has closed; a service's
 * own {@code close()} leaves it alone.
 */
public record ServiceContext(
    Settings settings, Resilience resilience, Metrics metrics, Draining draining)
    implements AutoCloseable {

  public ServiceContext {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(resilience, "resilience");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(draining, "draining");
  }

  /**
   * Reads the resilience settings and builds the shared pieces, metrics bound.
   *
   * @param serviceName the {@code service} tag on every meter ({@code api}, {@code local}, …)
   * @param outages the outage rules of the dependencies the process calls, from their client
   *     modules ({@code DatabaseFailures.OUTAGE}, {@code RedisFailures.OUTAGE}); Kafka's ({@link
   *     KafkaFailures#OUTAGE}) is always there, since every service talks to Kafka
   * @throws InvalidSettingException naming the variable if a resilience setting is invalid
   */
  public static ServiceContext create(
      Settings settings, String serviceName, OutageRule... outages) {
    ResilienceSettings resilienceSettings = ResilienceSettings.from(settings);
    List<OutageRule> rules = new ArrayList<>(List.of(outages));
    if (rules.stream().noneMatch(rule -> rule.dependency() == KafkaFailures.OUTAGE.dependency())) {
      rules.add(KafkaFailures.OUTAGE);
    }
    Metrics metrics = new Metrics(serviceName);
    Resilience resilience = Resilience.create(resilienceSettings, metrics.registry(), rules);
    Draining draining = new Draining();
    draining.bindTo(metrics.registry());
    return new ServiceContext(settings, resilience, metrics, draining);
  }

  /** The registry to register meters in. */
  public MeterRegistry meters() {
    return metrics.registry();
  }

  @Override
  public void close() {
    metrics.close();
  }
}
