package dev.trafficmanager.processor;

import dev.trafficmanager.event.JsonSerde;
import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.event.RouteEvent;
import dev.trafficmanager.event.RouteState;
import dev.trafficmanager.event.SplitChange;
import dev.trafficmanager.event.SplitState;
import dev.trafficmanager.topic.Topic;
import dev.trafficmanager.topic.Topics;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The route pipeline: {@code route-events} → validate → dedupe/order by revision → {@code
 * route-changes} (one record per applied revision) and {@code routes} (the route's latest state).
 * Split events (schema_version 2) take the same steps with a store of their own and reach {@code
 * route-changes} only. Invalid or unparsable events go to {@code route-events.dlq} byte for byte,
 * with the {@code dlq-*} headers of {@link dev.trafficmanager.topic.EventHeaders}.
 *
 * <p>Every source, processor, branch, store and sink is named, so the changelog topic ({@code
 * <application.id>-route-state-changelog}) and the node names stay stable as the topology evolves.
 */
public final class RouteTopology {
  /** The last applied state of every route, keyed by route key; backed by a changelog topic. */
  public static final String ROUTE_STATE_STORE = "route-state";

  /** The last applied state of every split, keyed by split key; backed by a changelog topic. */
  public static final String SPLIT_STATE_STORE = "split-state";

  /** The MDC key under which the steps log the event's correlation id. */
  static final String MDC_CORRELATION_ID = "correlation_id";

  /**
   * How far ahead of a route's applied revision an event may be and still be applied, unless the
   * setting says otherwise ({@link ProcessorConfig#maxRevisionJump()}).
   */
  public static final long DEFAULT_MAX_REVISION_JUMP = 1000;

  private RouteTopology() {}

  /** The topology with the default {@link #DEFAULT_MAX_REVISION_JUMP}. */
  public static Topology build(StreamsBuilder builder, Topics topics) {
    return build(builder, topics, DEFAULT_MAX_REVISION_JUMP);
  }

  /**
   * @param maxRevisionJump an event more than this many revisions ahead of its route's applied
   *     revision goes to the DLQ instead of being applied
   */
  public static Topology build(StreamsBuilder builder, Topics topics, long maxRevisionJump) {
    Topic<String, RouteEvent> events = topics.routeEvents();
    Topic<String, byte[]> deadLetters = topics.routeEventsDlq();
    Topic<String, RouteChange> changes = topics.routeChanges();
    Topic<String, RouteState> routes = topics.routes();

    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ROUTE_STATE_STORE),
                Serdes.String(),
                new JsonSerde<>(RouteState.class))
            .withLoggingEnabled(Map.of()));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(SPLIT_STATE_STORE),
                Serdes.String(),
                new JsonSerde<>(SplitState.class))
            .withLoggingEnabled(Map.of()));

    // Values are consumed as raw bytes so that a record the JSON serde cannot read reaches the
    // "validate" step, and from there the DLQ, instead of failing in the source's deserializer.
    KStream<String, byte[]> raw =
        builder.stream(
            events.name(),
            Consumed.with(events.keySerde(), Serdes.ByteArray()).withName("route-events-source"));

    // The DLQ is an explicit branch rather than Kafka Streams' errors.dead.letter.queue.topic.name:
    // most invalid events (a bad name, a key that does not match the body) are not exceptions but
    // broken rules, the built-in DLQ writes its own header names rather than the contract's dlq-*
    // ones, and a branch is an ordinary part of the topology that TopologyTestDriver exercises
    // like any other, inside the same exactly-once transaction as the rest of the output.
    Map<String, KStream<String, Validation>> validated =
        raw.processValues(() -> new ValidateProcessor(events), Named.as("validate"))
            .split(Named.as("validate-"))
            .branch((key, result) -> result.isValid(), Branched.as("valid"))
            .defaultBranch(Branched.as("invalid"));

    Map<String, KStream<String, Ordering>> ordered =
        validated
            .get("validate-valid")
            .processValues(
                () -> new DedupeProcessor(maxRevisionJump),
                Named.as("dedupe"),
                ROUTE_STATE_STORE,
                SPLIT_STATE_STORE)
            .split(Named.as("dedupe-"))
            .branch((key, result) -> result.isApplied(), Branched.as("applied"))
            .defaultBranch(Branched.as("refused"));
    // Split changes (schema_version 2) join the change stream; the compacted routes topic stays
    // route states only, so its readers never meet one.
    Map<String, KStream<String, Ordering>> kinds =
        ordered
            .get("dedupe-applied")
            .split(Named.as("applied-"))
            .branch((key, result) -> result.isSplit(), Branched.as("split"))
            .defaultBranch(Branched.as("route"));
    Topic<String, SplitChange> splitChanges = topics.splitChanges();
    kinds
        .get("applied-split")
        .mapValues(Ordering::splitChange, Named.as("applied-split-change"))
        .to(
            splitChanges.name(),
            Produced.with(splitChanges.keySerde(), splitChanges.valueSerde())
                .withName("route-changes-split-sink"));
    KStream<String, RouteChange> applied =
        kinds.get("applied-route").mapValues(Ordering::change, Named.as("applied-change"));

    validated
        .get("validate-invalid")
        .merge(
            ordered.get("dedupe-refused").mapValues(Ordering::refusal, Named.as("refused-event")),
            Named.as("refused"))
        .processValues(DeadLetterProcessor::new, Named.as("dead-letter"))
        .to(
            deadLetters.name(),
            Produced.with(deadLetters.keySerde(), deadLetters.valueSerde())
                .withName("route-events-dlq-sink"));

    applied.to(
        changes.name(),
        Produced.with(changes.keySerde(), changes.valueSerde()).withName("route-changes-sink"));
    applied
        .mapValues(RouteChange::current, Named.as("current-state"))
        .to(
            routes.name(),
            Produced.with(routes.keySerde(), routes.valueSerde()).withName("routes-sink"));

    return builder.build();
  }
}
