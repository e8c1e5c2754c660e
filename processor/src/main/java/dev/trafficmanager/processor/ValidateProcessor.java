package dev.trafficmanager.processor;

import dev.trafficmanager.event.Action;
import dev.trafficmanager.event.Event;
import dev.trafficmanager.event.EventJson;
import dev.trafficmanager.event.JsonSerde;
import dev.trafficmanager.event.RouteEvent;
import dev.trafficmanager.event.SplitEvent;
import dev.trafficmanager.route.InvalidInputException;
import dev.trafficmanager.route.RouteRules;
import dev.trafficmanager.route.Violation;
import dev.trafficmanager.split.SplitAssignment;
import dev.trafficmanager.topic.EventHeaders;
import dev.trafficmanager.topic.Topic;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The "validate" step: parses the raw value and checks it against the event contract and the record
 * key. A split event (schema_version 2, {@code split_changed}: by its {@code event-type} header, or
 * its body when the header is absent) is read and checked as one, never sent to the DLQ for not
 * being a route event. A valid event leaves with its {@code correlation-id} and {@code event-type}
 * headers present (taken from the event where the producer did not set them), so every record
 * derived from it carries them.
 */
final class ValidateProcessor implements FixedKeyProcessor<String, byte[], Validation> {
  private static final Logger log = LoggerFactory.getLogger(ValidateProcessor.class);

  private final String topic;
  private final Deserializer<RouteEvent> reader;
  private final Deserializer<SplitEvent> splitReader = new JsonSerde<>(SplitEvent.class);
  private FixedKeyProcessorContext<String, Validation> context;
  private Sensor invalidEvents;

  ValidateProcessor(Topic<String, RouteEvent> events) {
    this.topic = events.name();
    this.reader = events.valueSerde().deserializer();
  }

  @Override
  public void init(FixedKeyProcessorContext<String, Validation> context) {
    this.context = context;
    this.invalidEvents = PipelineMetrics.invalidEvents(context.metrics());
  }

  @Override
  public void process(FixedKeyRecord<String, byte[]> record) {
    Validation result =
        isSplit(record.headers(), record.value())
            ? validateSplit(record.key(), record.value())
            : validate(record.key(), record.value());
    if (result.isValid()) {
      Headers headers = new RecordHeaders(record.headers().toArray());
      setIfAbsent(
          headers,
          EventHeaders.CORRELATION_ID,
          result.isSplit() ? result.split().correlationId() : result.event().correlationId());
      setIfAbsent(
          headers,
          EventHeaders.EVENT_TYPE,
          result.isSplit() ? result.split().eventType() : result.event().eventType());
      context.forward(record.withValue(result).withHeaders(headers));
      return;
    }
    invalidEvents.record();
    String correlationId = lastValue(record.headers(), EventHeaders.CORRELATION_ID).orElse("");
    try (MDC.MDCCloseable ignored =
        MDC.putCloseable(RouteTopology.MDC_CORRELATION_ID, correlationId)) {
      log.warn(
          "invalid route event sent to the DLQ key={} error={} reason={}",
          record.key(),
          result.error().getClass().getSimpleName(),
          result.error().getMessage());
    }
    context.forward(record.withValue(result));
  }

  private Validation validate(String key, byte[] value) {
    if (value == null) {
      return Validation.invalid(null, new InvalidInputException("value", "is required"));
    }
    RouteEvent event;
    try {
      event = reader.deserialize(topic, value);
    } catch (SerializationException e) {
      return Validation.invalid(value, e);
    }
    List<Violation> violations = check(key, event);
    return violations.isEmpty()
        ? Validation.valid(event, value)
        : Validation.invalid(value, new InvalidInputException(violations));
  }

  /**
   * Whether the record is a split event: its {@code event-type} header says so, or, without the
   * header, its body's {@code event_type} does.
   */
  private boolean isSplit(Headers headers, byte[] value) {
    Optional<String> type = lastValue(headers, EventHeaders.EVENT_TYPE);
    if (type.isPresent()) {
      return SplitEvent.EVENT_TYPE.equals(type.get());
    }
    if (value == null) {
      return false;
    }
    return EventJson.isSplit(value);
  }

  private Validation validateSplit(String key, byte[] value) {
    if (value == null) {
      return Validation.invalid(null, new InvalidInputException("value", "is required"));
    }
    SplitEvent event;
    try {
      event = splitReader.deserialize(topic, value);
    } catch (SerializationException e) {
      return Validation.invalid(value, e);
    }
    List<Violation> violations = checkSplit(key, event);
    return violations.isEmpty()
        ? Validation.valid(event, value)
        : Validation.invalid(value, new InvalidInputException(violations));
  }

  /** Every rule a split event and its record key break. */
  static List<Violation> checkSplit(String key, SplitEvent event) {
    List<Violation> violations = envelope(event, SplitEvent.SCHEMA_VERSION, SplitEvent.EVENT_TYPE);
    if (event.action() != Action.SPLIT_CHANGED) {
      violations.add(new Violation("action", "must be " + Action.SPLIT_CHANGED.wireName()));
    }
    // Empty weights: the split was deleted. Otherwise a split the assignment accepts.
    event.weights().keySet().stream()
        .map(version -> RouteRules.checkName("weights", version))
        .flatMap(Optional::stream)
        .forEach(violations::add);
    if (!event.weights().isEmpty()) {
      try {
        SplitAssignment.of(event.weights());
      } catch (IllegalArgumentException e) {
        violations.add(new Violation("weights", e.getMessage()));
      }
    }
    if (names(violations, event)) {
      keyMatches(violations, key, "split", event.splitKey().toString());
    }
    return violations;
  }

  /** Every rule the event and its record key break; the serde has already checked the types. */
  static List<Violation> check(String key, RouteEvent event) {
    List<Violation> violations = envelope(event, RouteEvent.SCHEMA_VERSION, RouteEvent.EVENT_TYPE);
    required("action", event.action()).ifPresent(violations::add);
    if (event.action() == Action.SPLIT_CHANGED) {
      violations.add(new Violation("action", "split_changed is a split event's, not a route's"));
    }
    boolean named = names(violations, event);
    Optional<Violation> version = RouteRules.checkName("version", event.version());
    version.ifPresent(violations::add);
    RouteRules.checkUrl("url", event.url()).ifPresent(violations::add);
    if (named && version.isEmpty()) {
      keyMatches(violations, key, "route", event.routeKey().toString());
    }
    return violations;
  }

  /** The rules of every event, route's or split's: version, type, ids, times, actor, revision. */
  private static List<Violation> envelope(Event event, int schemaVersion, String eventType) {
    List<Violation> violations = new ArrayList<>();
    if (event.schemaVersion() != schemaVersion) {
      violations.add(new Violation("schema_version", "must be " + schemaVersion));
    }
    if (!eventType.equals(event.eventType())) {
      violations.add(new Violation("event_type", "must be " + eventType));
    }
    required("event_id", event.eventId()).ifPresent(violations::add);
    required("occurred_at", event.occurredAt()).ifPresent(violations::add);
    textOfLength("actor", event.actor(), RouteRules.MAX_ACTOR_LENGTH).ifPresent(violations::add);
    textOfLength("correlation_id", event.correlationId(), RouteRules.MAX_CORRELATION_ID_LENGTH)
        .ifPresent(violations::add);
    if (event.revision() < 1) {
      violations.add(new Violation("revision", "must be at least 1"));
    }
    return violations;
  }

  /** Adds the violations of the tenant, service and env; whether there were none. */
  private static boolean names(List<Violation> violations, Event event) {
    List<Violation> found =
        Stream.of(
                RouteRules.checkName("tenant", event.tenant()),
                RouteRules.checkName("service", event.service()),
                RouteRules.checkName("env", event.env()))
            .flatMap(Optional::stream)
            .toList();
    violations.addAll(found);
    return found.isEmpty();
  }

  private static void keyMatches(
      List<Violation> violations, String key, String kind, String eventKey) {
    if (!eventKey.equals(key)) {
      violations.add(new Violation("key", "must equal the event's " + kind + " key " + eventKey));
    }
  }

  private static Optional<Violation> required(String field, Object value) {
    return value == null ? Optional.of(new Violation(field, "is required")) : Optional.empty();
  }

  private static Optional<Violation> textOfLength(String field, String value, int maxLength) {
    if (value == null || value.isEmpty()) {
      return Optional.of(new Violation(field, "is required"));
    }
    if (value.length() > maxLength) {
      return Optional.of(new Violation(field, "must be at most " + maxLength + " characters"));
    }
    return Optional.empty();
  }

  private static void setIfAbsent(Headers headers, String name, String value) {
    if (headers.lastHeader(name) == null) {
      headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static Optional<String> lastValue(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    return header == null || header.value() == null
        ? Optional.empty()
        : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
  }
}
