package dev.trafficmanager.app;

import dev.trafficmanager.event.Action;
import dev.trafficmanager.event.JsonSerde;
import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.event.RouteEvent;
import dev.trafficmanager.event.RouteState;
import dev.trafficmanager.testkit.TestEnvironment;
import dev.trafficmanager.topic.EventHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The revisions of some routes, in write order (revision 1 of every route, then revision 2 of every
 * route, …), as the API would have written them: created, then deactivated and activated in turn,
 * each revision with its own URL.
 */
final class RouteHistory {
  /**
   * A whole hour a day ago, for histories written to Kafka: a broker deletes records whose
   * timestamps are older than the topic's retention (7 days by default) while a test runs, so a
   * fixed date would stop working a week after it was written. Captured once, at class loading, so
   * that every test of a run agrees on it.
   */
  @SuppressWarnings("TimeInStaticInitializer")
  static final Instant RECENT =
      Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofDays(1));

  static final JsonSerde<RouteEvent> EVENTS = new JsonSerde<>(RouteEvent.class);
  static final JsonSerde<RouteChange> CHANGES = new JsonSerde<>(RouteChange.class);

  private final List<RouteEvent> events;

  private RouteHistory(List<RouteEvent> events) {
    this.events = List.copyOf(events);
  }

  /**
   * @param tenant every route's tenant
   * @param routes how many routes ({@code <tenant>/svc-<i>/prod/v1})
   * @param revisions revisions per route
   * @param start the time of the first event; each next one is a second later
   */
  static RouteHistory of(String tenant, int routes, int revisions, Instant start) {
    List<RouteEvent> events = new ArrayList<>();
    Instant at = start;
    for (int revision = 1; revision <= revisions; revision++) {
      for (int route = 0; route < routes; route++) {
        events.add(event(tenant, "svc-" + route, revision, at));
        at = at.plusSeconds(1);
      }
    }
    return new RouteHistory(events);
  }

  static RouteEvent event(String tenant, String service, long revision, Instant at) {
    boolean active = revision % 2 == 1;
    Action action = revision == 1 ? Action.CREATED : active ? Action.ACTIVATED : Action.DEACTIVATED;
    RouteState state =
        new RouteState(
            tenant,
            service,
            "prod",
            "v1",
            "https://" + service + "." + tenant + ".example/r" + revision,
            active,
            revision,
            at);
    return RouteEvent.of(
        UUID.randomUUID(), action, state, at, "operator-test", "corr-" + service + "-" + revision);
  }

  List<RouteEvent> events() {
    return events;
  }

  /** Each route's state after its last revision, by route key. */
  Map<String, RouteState> latest() {
    Map<String, RouteState> latest = new LinkedHashMap<>();
    events.forEach(e -> latest.put(e.routeKey().toString(), e.state()));
    return latest;
  }

  /** The change stream the processor makes of the history. */
  List<RouteChange> changes() {
    Map<String, RouteState> applied = new LinkedHashMap<>();
    List<RouteChange> changes = new ArrayList<>();
    for (RouteEvent event : events) {
      String key = event.routeKey().toString();
      changes.add(RouteChange.of(event, applied.get(key)));
      applied.put(key, event.state());
    }
    return changes;
  }

  /** Publishes the events to route-events as the outbox relay does: key, bytes and headers. */
  void publishEvents(TestEnvironment env) {
    String topic = env.topics().routeEvents().name();
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
    for (RouteEvent event : events) {
      ProducerRecord<String, byte[]> record =
          new ProducerRecord<>(topic, event.routeKey().toString(), EVENTS.serialize(topic, event));
      record.headers().add(EventHeaders.CORRELATION_ID, utf8(event.correlationId()));
      record.headers().add(EventHeaders.EVENT_TYPE, utf8(event.eventType()));
      records.add(record);
    }
    env.write(records);
  }

  /**
   * Publishes the change stream to route-changes, as the processor would, each record stamped with
   * the time of its write, so that a replay --to-datetime can aim between revisions.
   */
  void publishChanges(TestEnvironment env) {
    String topic = env.topics().routeChanges().name();
    env.write(
        changes().stream()
            .map(
                change ->
                    new ProducerRecord<>(
                        topic,
                        null,
                        change.occurredAt().toEpochMilli(),
                        change.routeKey(),
                        CHANGES.serialize(topic, change)))
            .toList());
  }

  /** The last record of every key: what a compacted topic holds once compacted. */
  static <V> Map<String, V> lastByKey(List<ConsumerRecord<String, V>> records) {
    Map<String, V> last = new LinkedHashMap<>();
    records.forEach(r -> last.put(r.key(), r.value()));
    return last;
  }

  static Optional<String> header(ConsumerRecord<?, ?> record, String name) {
    var header = record.headers().lastHeader(name);
    return header == null
        ? Optional.empty()
        : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
  }

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }
}
