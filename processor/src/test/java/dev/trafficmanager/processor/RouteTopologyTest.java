package dev.trafficmanager.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.event.Action;
import dev.trafficmanager.event.EventJson;
import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.event.RouteEvent;
import dev.trafficmanager.event.RouteState;
import dev.trafficmanager.event.SplitChange;
import dev.trafficmanager.route.InvalidInputException;
import dev.trafficmanager.topic.EventHeaders;
import dev.trafficmanager.topic.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RouteTopologyTest {
  private static final String ROUTE = "acme/checkout/prod/v1";
  private static final ObjectMapper JSON = EventJson.newMapper();

  @TempDir Path stateDir;

  private Topics topics;
  private Topology topology;
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> events;
  private TestOutputTopic<String, RouteChange> changes;
  private TestOutputTopic<String, RouteState> routes;
  private TestOutputTopic<String, byte[]> deadLetters;

  @BeforeEach
  void startDriver() {
    ProcessorConfig config =
        ProcessorConfig.from(
            new Settings(
                Map.of(
                    KafkaSettings.TOPIC_PREFIX,
                    "t1-",
                    ProcessorConfig.STATE_DIR,
                    stateDir.toString())));
    topics = config.kafka().topics();
    topology = RouteTopology.build(new StreamsBuilder(), topics);
    driver = new TopologyTestDriver(topology, config.streamsProperties());
    events =
        driver.createInputTopic(
            topics.routeEvents().name(),
            Serdes.String().serializer(),
            Serdes.ByteArray().serializer());
    changes =
        driver.createOutputTopic(
            topics.routeChanges().name(),
            Serdes.String().deserializer(),
            topics.routeChanges().valueSerde().deserializer());
    routes =
        driver.createOutputTopic(
            topics.routes().name(),
            Serdes.String().deserializer(),
            topics.routes().valueSerde().deserializer());
    deadLetters =
        driver.createOutputTopic(
            topics.routeEventsDlq().name(),
            Serdes.String().deserializer(),
            Serdes.ByteArray().deserializer());
  }

  @AfterEach
  void closeDriver() {
    driver.close();
  }

  @Test
  void aDuplicateInputProducesOneChange() {
    events.pipeInput(ROUTE, golden(Action.CREATED));
    events.pipeInput(ROUTE, golden(Action.CREATED));

    assertThat(changes.readValuesToList()).extracting(RouteChange::revision).containsExactly(1L);
    assertThat(routes.readValuesToList()).hasSize(1);
    assertThat(counter(PipelineMetrics.STALE_REVISIONS_DROPPED)).isEqualTo(1.0);
  }

  @Test
  void anOutOfOrderStaleRevisionIsDropped() {
    events.pipeInput(ROUTE, golden(Action.CREATED));
    events.pipeInput(ROUTE, golden(Action.DEACTIVATED));
    events.pipeInput(ROUTE, golden(Action.ACTIVATED));
    events.pipeInput(ROUTE, golden(Action.DEACTIVATED));

    assertThat(changes.readValuesToList())
        .extracting(RouteChange::revision)
        .containsExactly(1L, 2L, 3L);
    assertThat(routeState().get(ROUTE)).isEqualTo(event(Action.ACTIVATED).state());
    assertThat(counter(PipelineMetrics.STALE_REVISIONS_DROPPED)).isEqualTo(1.0);
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  @Test
  void aRevisionGapIsAppliedAndCounted() {
    events.pipeInput(ROUTE, golden(Action.CREATED));
    events.pipeInput(ROUTE, golden(Action.ACTIVATED));

    var applied = changes.readValuesToList();
    assertThat(applied).extracting(RouteChange::revision).containsExactly(1L, 3L);
    assertThat(applied.get(1).previous()).isEqualTo(event(Action.CREATED).state());
    assertThat(applied.get(1).current()).isEqualTo(event(Action.ACTIVATED).state());
    assertThat(counter(PipelineMetrics.REVISION_GAPS)).isEqualTo(1.0);
    assertThat(counter(PipelineMetrics.STALE_REVISIONS_DROPPED)).isZero();
  }

  @Test
  void routeChangesCarryNoPreviousForRevisionOneAndTheStateBeforeAfterwards() {
    events.pipeInput(ROUTE, golden(Action.CREATED));
    events.pipeInput(ROUTE, golden(Action.DEACTIVATED));

    var applied = changes.readRecordsToList();
    assertThat(applied).extracting(TestRecord::key).containsOnly(ROUTE);
    assertThat(applied.get(0).value())
        .isEqualTo(RouteChange.of(event(Action.CREATED), null))
        .satisfies(change -> assertThat(change.previous()).isNull());
    assertThat(applied.get(1).value())
        .isEqualTo(RouteChange.of(event(Action.DEACTIVATED), event(Action.CREATED).state()));
    assertThat(applied.get(1).value().current().active()).isFalse();
    assertThat(applied.get(1).value().previous().active()).isTrue();
  }

  @Test
  void theSnapshotTopicHoldsTheLatestStatePerRoute() {
    String otherRoute = "globex/search/staging/v2";
    events.pipeInput(ROUTE, golden(Action.CREATED));
    events.pipeInput(otherRoute, goldenFor(Action.CREATED, otherRoute));
    events.pipeInput(ROUTE, golden(Action.DEACTIVATED));
    events.pipeInput(ROUTE, golden(Action.ACTIVATED));
    events.pipeInput(otherRoute, goldenFor(Action.DEACTIVATED, otherRoute));
    events.pipeInput(ROUTE, golden(Action.URL_CHANGED));

    Map<String, RouteState> snapshot = routes.readKeyValuesToMap();

    assertThat(snapshot).containsOnlyKeys(ROUTE, otherRoute);
    assertThat(snapshot.get(ROUTE)).isEqualTo(event(Action.URL_CHANGED).state());
    assertThat(snapshot.get(otherRoute).revision()).isEqualTo(2L);
    assertThat(snapshot.get(otherRoute).routeKey().toString()).isEqualTo(otherRoute);
    assertThat(routeState().get(otherRoute)).isEqualTo(snapshot.get(otherRoute));
  }

  @Test
  void theCorrelationIdHeaderIsCarriedToChangesAndSnapshot() {
    Headers headers = new RecordHeaders();
    headers.add(EventHeaders.CORRELATION_ID, utf8("from-the-writer"));
    headers.add(EventHeaders.EVENT_TYPE, utf8(RouteEvent.EVENT_TYPE));

    events.pipeInput(new TestRecord<>(ROUTE, golden(Action.CREATED), headers));

    Headers changeHeaders = changes.readRecord().headers();
    Headers routeHeaders = routes.readRecord().headers();
    assertThat(header(changeHeaders, EventHeaders.CORRELATION_ID)).isEqualTo("from-the-writer");
    assertThat(header(routeHeaders, EventHeaders.CORRELATION_ID)).isEqualTo("from-the-writer");
    assertThat(header(changeHeaders, EventHeaders.EVENT_TYPE)).isEqualTo(RouteEvent.EVENT_TYPE);
    assertThat(changeHeaders.headers(EventHeaders.CORRELATION_ID)).hasSize(1);
  }

  @Test
  void headersMissingOnTheInputAreTakenFromTheEvent() {
    events.pipeInput(ROUTE, golden(Action.CREATED));

    Headers changeHeaders = changes.readRecord().headers();
    Headers routeHeaders = routes.readRecord().headers();
    String expected = event(Action.CREATED).correlationId();
    assertThat(header(changeHeaders, EventHeaders.CORRELATION_ID)).isEqualTo(expected);
    assertThat(header(routeHeaders, EventHeaders.CORRELATION_ID)).isEqualTo(expected);
    assertThat(header(changeHeaders, EventHeaders.EVENT_TYPE)).isEqualTo(RouteEvent.EVENT_TYPE);
    assertThat(header(routeHeaders, EventHeaders.EVENT_TYPE)).isEqualTo(RouteEvent.EVENT_TYPE);
  }

  static Stream<Arguments> invalidEvents() {
    return Stream.of(
        argumentSet(
            "a bad tenant name",
            "Acme!/checkout/prod/v1",
            edit(n -> n.put("tenant", "Acme!")),
            "tenant"),
        argumentSet(
            "a URL that is not http",
            ROUTE,
            edit(n -> n.put("url", "ftp://files.acme.example/")),
            "url"),
        argumentSet("a relative URL", ROUTE, edit(n -> n.put("url", "/checkout")), "url"),
        argumentSet(
            "schema_version 2", ROUTE, edit(n -> n.put("schema_version", 2)), "schema_version"),
        argumentSet(
            "another event_type",
            ROUTE,
            edit(n -> n.put("event_type", "route_deleted")),
            "event_type"),
        argumentSet("revision 0", ROUTE, edit(n -> n.put("revision", 0)), "revision"),
        argumentSet("an empty actor", ROUTE, edit(n -> n.put("actor", "")), "actor"),
        argumentSet("a null event_id", ROUTE, edit(n -> n.putNull("event_id")), "event_id"),
        argumentSet(
            "a key of another route", "acme/checkout/prod/v2", golden(Action.CREATED), "key"),
        argumentSet("no key", null, golden(Action.CREATED), "key"));
  }

  @ParameterizedTest
  @MethodSource("invalidEvents")
  void anInvalidEventLandsInTheDlqWithItsOriginalBytesAndHeaders(
      String key, byte[] value, String field) {
    Headers headers = new RecordHeaders();
    headers.add(EventHeaders.CORRELATION_ID, utf8("corr-invalid"));

    events.pipeInput(new TestRecord<>(key, value, headers));

    TestRecord<String, byte[]> dead = deadLetters.readRecord();
    assertThat(dead.key()).isEqualTo(key);
    assertThat(dead.value()).isEqualTo(value);
    assertDlqHeaders(dead.headers(), InvalidInputException.class.getName());
    assertThat(header(dead.headers(), EventHeaders.DLQ_EXCEPTION_MESSAGE)).contains(field + ":");
    assertThat(header(dead.headers(), EventHeaders.CORRELATION_ID)).isEqualTo("corr-invalid");
    assertThat(deadLetters.isEmpty()).isTrue();
    assertThat(changes.isEmpty()).isTrue();
    assertThat(routes.isEmpty()).isTrue();
    assertThat(routeState().approximateNumEntries()).isZero();
    assertThat(counter(PipelineMetrics.INVALID_EVENTS)).isEqualTo(1.0);
  }

  static Stream<Arguments> unparsableValues() {
    String created = new String(golden(Action.CREATED), StandardCharsets.UTF_8);
    return Stream.of(
        argumentSet("not JSON", utf8("{not json")),
        argumentSet("an unknown action", utf8(created.replace("\"created\"", "\"deleted\""))),
        argumentSet("a missing revision", utf8(created.replace("\"revision\":1,", ""))),
        argumentSet(
            "a revision that is not a number",
            utf8(created.replace("\"revision\":1", "\"revision\":\"one\""))),
        argumentSet("bytes that are not UTF-8", new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, 0x7b}));
  }

  @ParameterizedTest
  @MethodSource("unparsableValues")
  void unparsableBytesLandInTheDlqUnchanged(byte[] value) {
    events.pipeInput(ROUTE, value);

    TestRecord<String, byte[]> dead = deadLetters.readRecord();
    assertThat(dead.key()).isEqualTo(ROUTE);
    assertThat(dead.value()).isEqualTo(value);
    assertDlqHeaders(dead.headers(), SerializationException.class.getName());
    assertThat(changes.isEmpty()).isTrue();
    assertThat(routes.isEmpty()).isTrue();
    assertThat(counter(PipelineMetrics.INVALID_EVENTS)).isEqualTo(1.0);
  }

  @Test
  void aRecordWithoutAValueLandsInTheDlq() {
    events.pipeInput(ROUTE, null);

    TestRecord<String, byte[]> dead = deadLetters.readRecord();
    assertThat(dead.key()).isEqualTo(ROUTE);
    assertThat(dead.value()).isNull();
    assertDlqHeaders(dead.headers(), InvalidInputException.class.getName());
    assertThat(changes.isEmpty()).isTrue();
  }

  @Test
  void dlqHeadersPointAtTheOffsetOfTheRefusedRecord() {
    events.pipeInput(ROUTE, golden(Action.CREATED));
    events.pipeInput(ROUTE, utf8("{not json"));

    assertThat(header(deadLetters.readRecord().headers(), EventHeaders.DLQ_ORIGINAL_OFFSET))
        .isEqualTo("1");
    assertThat(changes.readValuesToList()).hasSize(1);
  }

  @Test
  void aRevisionFarAheadIsDeadLetteredAndTheRouteKeepsApplyingRealRevisions() {
    events.pipeInput(ROUTE, golden(Action.CREATED));
    events.pipeInput(ROUTE, edit(Action.DEACTIVATED, n -> n.put("revision", 1_000_000_000L)));
    events.pipeInput(ROUTE, golden(Action.DEACTIVATED));

    assertThat(changes.readValuesToList())
        .extracting(RouteChange::revision)
        .containsExactly(1L, 2L);
    assertThat(routeState().get(ROUTE)).isEqualTo(event(Action.DEACTIVATED).state());
    TestRecord<String, byte[]> dead = deadLetters.readRecord();
    assertThat(dead.key()).isEqualTo(ROUTE);
    assertDlqHeaders(dead.headers(), InvalidInputException.class.getName());
    assertThat(header(dead.headers(), EventHeaders.DLQ_EXCEPTION_MESSAGE))
        .contains("revision", "1000000000");
    assertThat(counter(PipelineMetrics.REVISION_JUMPS_REFUSED)).isEqualTo(1.0);
  }

  @Test
  void aNewRouteWhoseFirstRevisionIsFarAheadIsDeadLettered() {
    events.pipeInput(
        ROUTE, edit(n -> n.put("revision", RouteTopology.DEFAULT_MAX_REVISION_JUMP + 1)));

    assertThat(changes.isEmpty()).isTrue();
    assertThat(routeState().get(ROUTE)).isNull();
    assertThat(deadLetters.readValuesToList()).hasSize(1);
  }

  @Test
  void aValidEventAfterAnInvalidOneIsStillApplied() {
    events.pipeInput(ROUTE, edit(n -> n.put("url", "not a url")));
    events.pipeInput(ROUTE, golden(Action.CREATED));

    assertThat(deadLetters.readValuesToList()).hasSize(1);
    assertThat(changes.readValuesToList()).extracting(RouteChange::revision).containsExactly(1L);
  }

  @Test
  void everyNodeAndStoreHasAStableName() {
    String description = topology.describe().toString();

    assertThat(description).doesNotContain("KSTREAM-", "KTABLE-", "KSTORE-");
    assertThat(description)
        .contains(
            "route-events-source",
            "validate",
            "validate-valid",
            "validate-invalid",
            "dead-letter",
            "route-events-dlq-sink",
            "dedupe",
            "route-changes-sink",
            "routes-sink",
            RouteTopology.ROUTE_STATE_STORE);
  }

  private void assertDlqHeaders(Headers headers, String exceptionClass) {
    assertThat(header(headers, EventHeaders.DLQ_ORIGINAL_TOPIC))
        .isEqualTo(topics.routeEvents().name());
    assertThat(header(headers, EventHeaders.DLQ_ORIGINAL_PARTITION)).isEqualTo("0");
    assertThat(header(headers, EventHeaders.DLQ_ORIGINAL_OFFSET)).matches("\\d+");
    assertThat(header(headers, EventHeaders.DLQ_EXCEPTION_CLASS)).isEqualTo(exceptionClass);
    assertThat(header(headers, EventHeaders.DLQ_EXCEPTION_MESSAGE)).isNotBlank();
  }

  @Test
  void aSplitEventJoinsTheChangeStreamAsASplitChangeAndNeverTheRoutesTopic() {
    String split = "acme/checkout/prod";
    events.pipeInput(new TestRecord<>(split, golden(Action.SPLIT_CHANGED), splitHeaders()));
    events.pipeInput(new TestRecord<>(split, golden(Action.SPLIT_CHANGED), splitHeaders()));
    // Without the header the body tells it is a split event.
    events.pipeInput(
        split, edit(Action.SPLIT_CHANGED, n -> n.put("revision", 2).putObject("weights")));

    TestOutputTopic<String, SplitChange> splitChanges =
        driver.createOutputTopic(
            topics.splitChanges().name(),
            Serdes.String().deserializer(),
            topics.splitChanges().valueSerde().deserializer());
    List<TestRecord<String, SplitChange>> out = splitChanges.readRecordsToList();
    assertThat(out).extracting(TestRecord::key).containsExactly(split, split);
    assertThat(out.get(0).value().current().weights()).isEqualTo(Map.of("v1", 90, "v2", 10));
    assertThat(out.get(0).value().previous()).isNull();
    assertThat(out.get(1).value().current().deleted()).isTrue();
    assertThat(out.get(1).value().previous().revision()).isEqualTo(1);
    assertThat(header(out.get(1).headers(), EventHeaders.EVENT_TYPE)).isEqualTo("split_changed");
    assertThat(routes.isEmpty()).isTrue();
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  @Test
  void anInvalidSplitEventGoesToTheDlqNamingTheProblem() {
    events.pipeInput(
        new TestRecord<>(
            "acme/checkout/prod",
            edit(Action.SPLIT_CHANGED, n -> n.putObject("weights").put("v1", 90)),
            splitHeaders()));
    events.pipeInput(
        new TestRecord<>("acme/checkout/other", golden(Action.SPLIT_CHANGED), splitHeaders()));

    List<TestRecord<String, byte[]>> dead = deadLetters.readRecordsToList();
    assertThat(dead).hasSize(2);
    assertThat(header(dead.get(0).headers(), EventHeaders.DLQ_EXCEPTION_MESSAGE))
        .contains("weights")
        .contains("sum to 100");
    assertThat(header(dead.get(1).headers(), EventHeaders.DLQ_EXCEPTION_MESSAGE))
        .contains("split key acme/checkout/prod");
  }

  private static Headers splitHeaders() {
    return new RecordHeaders().add(EventHeaders.EVENT_TYPE, utf8("split_changed"));
  }

  private KeyValueStore<String, RouteState> routeState() {
    return driver.getKeyValueStore(RouteTopology.ROUTE_STATE_STORE);
  }

  /** The {@code -total} metric of a pipeline counter; fails when it is not registered at all. */
  private double counter(String name) {
    var matching =
        driver.metrics().entrySet().stream()
            .filter(e -> e.getKey().group().equals(PipelineMetrics.GROUP))
            .filter(e -> e.getKey().name().equals(name + "-total"))
            .toList();
    assertThat(matching)
        .as("metric %s-total in group %s", name, PipelineMetrics.GROUP)
        .isNotEmpty();
    return matching.stream().mapToDouble(e -> (Double) e.getValue().metricValue()).sum();
  }

  private static String header(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    assertThat(header).as("header %s", name).isNotNull();
    return new String(header.value(), StandardCharsets.UTF_8);
  }

  private static RouteEvent event(Action action) {
    return JSON.convertValue(goldenJson(action), RouteEvent.class);
  }

  private static byte[] goldenFor(Action action, String routeKey) {
    String[] parts = routeKey.split("/", -1);
    return edit(
        action,
        n ->
            n.put("tenant", parts[0])
                .put("service", parts[1])
                .put("env", parts[2])
                .put("version", parts[3]));
  }

  private static byte[] edit(Consumer<ObjectNode> change) {
    return edit(Action.CREATED, change);
  }

  private static byte[] edit(Action action, Consumer<ObjectNode> change) {
    ObjectNode node = goldenJson(action);
    change.accept(node);
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectNode goldenJson(Action action) {
    try {
      return (ObjectNode) JSON.readTree(golden(action));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The schemas module's golden event for an action: one route, revisions 1 to 4. */
  private static byte[] golden(Action action) {
    String name = "golden/" + action.wireName() + ".json";
    try (InputStream in = RouteEvent.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }
}
