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
   * Whether the JSON is a split's event or change (schema_version 2): its {@code event_type} (an
   * event) or its {@code action} (a change on {@code route-changes}) is {@code split_changed}. For
   * a reader that must choose a record type before reading one that came without the {@code
   * event-type} header; false when the bytes are not a JSON object.
   */
  public static boolean isSplit(byte[] value) {
    try {
      JsonNode node = TYPE_READER.readTree(value);
      return SplitEvent.EVENT_TYPE.equals(node.path("event_type").asText())
          || Action.SPLIT_CHANGED.wireName().equals(node.path("action").asText());
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static final ObjectMapper TYPE_READER = new ObjectMapper();
}
