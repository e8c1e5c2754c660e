package dev.trafficmanager.api.outbox;

import dev.trafficmanager.api.resilience.Circuits;
import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.database.DatabaseSettings;
import dev.trafficmanager.event.RouteEvent;
import dev.trafficmanager.kafka.KafkaFailures;
import dev.trafficmanager.resilience.Resilience;
import dev.trafficmanager.resilience.ResilienceSettings;
import dev.trafficmanager.testkit.TopicReader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Relays built from a test environment's settings, tuned to react quickly, closed together. They
 * share one set of circuit breakers and one meter registry, as the services of one process do.
 */
final class RelayFixture implements AutoCloseable {
  private final Settings settings;
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final Circuits circuits;
  private final List<OutboxRelay> relays = new ArrayList<>();

  RelayFixture(Settings environment, Map<String, String> overrides) {
    Map<String, String> tuned = new HashMap<>();
    tuned.put(OutboxSettings.POLL_INTERVAL, "100ms");
    tuned.put(OutboxSettings.MAX_BACKOFF, "1s");
    tuned.put(OutboxSettings.DELIVERY_TIMEOUT, "3s");
    tuned.putAll(overrides);
    this.settings = environment.with(tuned);
    this.circuits =
        new Circuits(
            Resilience.create(
                ResilienceSettings.from(settings), meters, List.of(KafkaFailures.OUTAGE)),
            Clock.systemUTC());
  }

  Circuits circuits() {
    return circuits;
  }

  SimpleMeterRegistry meters() {
    return meters;
  }

  Settings settings() {
    return settings;
  }

  KafkaSettings kafka() {
    return KafkaSettings.from(settings);
  }

  OutboxTable migratedOutbox() {
    OutboxTable outbox = new OutboxTable(DatabaseSettings.from(settings));
    outbox.migrate();
    return outbox;
  }

  OutboxRelay started() {
    OutboxRelay relay = created();
    relay.start();
    return relay;
  }

  OutboxRelay created() {
    OutboxRelay relay =
        new OutboxRelay(
            DatabaseSettings.from(settings),
            kafka(),
            OutboxSettings.from(settings),
            circuits,
            meters);
    relays.add(relay);
    return relay;
  }

  /** Everything on route-events now, in log order per partition. */
  List<ConsumerRecord<String, RouteEvent>> events() {
    KafkaSettings kafka = kafka();
    return new TopicReader(kafka, Duration.ofSeconds(15)).readAll(kafka.topics().routeEvents());
  }

  /** The revisions of one route's events, in the order the topic holds them. */
  static List<Long> revisions(List<ConsumerRecord<String, RouteEvent>> events, String routeKey) {
    return events.stream()
        .filter(r -> r.key().equals(routeKey))
        .map(r -> r.value().revision())
        .toList();
  }

  static String header(ConsumerRecord<?, ?> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    relays.forEach(OutboxRelay::close);
  }
}
