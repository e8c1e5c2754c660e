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
   * member runs, …), its members, its lag (records on its input topic not yet committed; null
   * before it first committed), and its progress as this API instance saw it over its reads: {@code
   * idle} (no lag), {@code moving} (lag, and the committed offsets moved lately), or {@code
   * stalled} (lag, and the committed offsets have not moved for {@code TM_CONSOLE_STALL_AFTER}:
   * paused or stuck). A consumer that keeps its partitions paused, retrying against a sink that is
   * down, is a stable group to the broker and shows here as stalled; its own {@code /health}
   * ({@code paused_partitions}) and the {@code tm_consumer_paused} metric say exactly which
   * partitions it paused. {@code stalled_since} is when this instance first saw the group with lag
   * at its current offsets; null unless stalled. Both are null when the lag is. A partition one
   * offset short of its end counts as caught up: its last offset is then a transaction's commit
   * marker, which a consumer never commits past, so {@code lag} may be one per partition while
   * {@code progress} is {@code idle}.
   */
  @JsonPropertyOrder({
    "stage",
    "group",
    "input_topic",
    "state",
    "members",
    "lag",
    "progress",
    "stalled_since"
  })
  public record Group(
      @JsonProperty("stage") String stage,
      @JsonProperty("group") String group,
      @JsonProperty("input_topic") String inputTopic,
      @JsonProperty("state") String state,
      @JsonProperty("members") Integer members,
      @JsonProperty("lag") Long lag,
      @JsonProperty("progress") String progress,
      @JsonProperty("stalled_since") Instant stalledSince) {}

  /** A dead-letter topic and the records parked in it (an upper bound for a transactional one). */
  @JsonPropertyOrder({"topic", "stage", "records"})
  public record DeadLetterTopic(
      @JsonProperty("topic") String topic,
      @JsonProperty("stage") String stage,
      @JsonProperty("records") Long records) {}
}
