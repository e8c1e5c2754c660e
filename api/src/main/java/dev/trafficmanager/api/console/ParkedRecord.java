package dev.trafficmanager.api.console;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.Map;

/**
 * A record parked in a dead-letter topic: where it sits, its headers (the original topic, partition
 * and offset, the error, the attempts), its value as text (cut at {@value
 * DeadLetterReader#MAX_VALUE_CHARS} characters) and the {@code replay} command that re-applies it
 * once its cause is fixed.
 */
@JsonPropertyOrder({
  "topic",
  "partition",
  "offset",
  "timestamp",
  "key",
  "headers",
  "value",
  "replay_command"
})
public record ParkedRecord(
    @JsonProperty("topic") String topic,
    @JsonProperty("partition") int partition,
    @JsonProperty("offset") long offset,
    @JsonProperty("timestamp") Instant timestamp,
    @JsonProperty("key") String key,
    @JsonProperty("headers") Map<String, String> headers,
    @JsonProperty("value") String value,
    @JsonProperty("replay_command") String replayCommand) {}
