package dev.trafficmanager.event;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/**
 * The one JSON mapping of the contracts: timestamps as RFC 3339 text, never epoch numbers; missing
 * required properties and null primitives fail the read. Unknown fields are ignored so that a
 * backward-compatible schema addition does not break old readers.
 */
public final class EventJson {
  private EventJson() {}

  /** A new mapper configured for the event contracts; callers own it. */
  public static ObjectMapper newMapper() {
    return JsonMapper.builder()
        .addModule(new JavaTimeModule())
        // Added after JavaTimeModule, so it takes precedence for Instant.
        .addModule(
            new SimpleModule("canonical-instants")
                .addDeserializer(Instant.class, new CanonicalInstantDeserializer()))
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
        .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
        .build();
  }

  /**
   * The {@code event_type} of an event's JSON ({@code route_changed} or {@code split_changed}), for
   * a reader that must choose a record type before reading it and has no {@code event-type} header
   * to go by; empty when the bytes are not a JSON object with a text {@code event_type}.
   */
  public static Optional<String> eventTypeOf(byte[] value) {
    try {
      JsonNode type = TYPE_READER.readTree(value).path("event_type");
      return type.isTextual() ? Optional.of(type.textValue()) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static final ObjectMapper TYPE_READER = new ObjectMapper();
}
