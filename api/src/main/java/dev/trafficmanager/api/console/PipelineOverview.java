package dev.trafficmanager.api.console;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The pipeline at a glance, as the console shows it: the outbox, the processor's and each
 * consumer's group, the dead-letter topics, and this API instance's breakers and bulkheads. A
 * figure Kafka could not give is null, and {@code kafka_error} says why.
 */
@JsonPropertyOrder({"read_at", "outbox", "groups", "dead_letters", "this_instance", "kafka_error"})
public record PipelineOverview(
    @JsonProperty("read_at") Instant readAt,
    @JsonProperty("outbox") Outbox outbox,
    @JsonProperty("groups") List<Group> groups,
    @JsonProperty("dead_letters") List<DeadLetterTopic> deadLetters,
    @JsonProperty("this_instance") Map<String, Object> thisInstance,
    @JsonProperty("kafka_error") @JsonInclude(JsonInclude.Include.NON_NULL) String kafkaError) {

  /** Rows waiting to be published; null while this instance has not read them yet. */
  @JsonPropertyOrder({"pending_rows", "oldest_pending_age_seconds"})
  public record Outbox(
      @JsonProperty("pending_rows") Long pendingRows,
      @JsonProperty("oldest_pending_age_seconds") Double oldestPendingAgeSeconds) {}

  /**
   * One stage's consumer group: its state as the broker sees it ({@code stable}, {@code empty}: no
   * member runs, …), its members, and its lag (records on its input topic not yet committed; null
   * before it first committed).
   */
  @JsonPropertyOrder({"stage", "group", "input_topic", "state", "members", "lag"})
  public record Group(
      @JsonProperty("stage") String stage,
      @JsonProperty("group") String group,
      @JsonProperty("input_topic") String inputTopic,
      @JsonProperty("state") String state,
      @JsonProperty("members") Integer members,
      @JsonProperty("lag") Long lag) {}

  /** A dead-letter topic and the records parked in it (an upper bound for a transactional one). */
  @JsonPropertyOrder({"topic", "stage", "records"})
  public record DeadLetterTopic(
      @JsonProperty("topic") String topic,
      @JsonProperty("stage") String stage,
      @JsonProperty("records") Long records) {}
}
