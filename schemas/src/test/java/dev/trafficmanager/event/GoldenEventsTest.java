package dev.trafficmanager.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class GoldenEventsTest {
  private final ObjectMapper json = EventJson.newMapper();
  private final JsonSerde<RouteEvent> serde = new JsonSerde<>(RouteEvent.class);
  private final JsonSchema schema = loadSchema("route-event.v1.schema.json");
  private final JsonSerde<SplitEvent> splits = new JsonSerde<>(SplitEvent.class);
  private final JsonSchema splitSchema = loadSchema("split-event.v2.schema.json");

  @ParameterizedTest
  @EnumSource(value = Action.class, mode = EnumSource.Mode.EXCLUDE, names = "SPLIT_CHANGED")
  void everyGoldenEventMatchesTheJsonSchema(Action action) throws IOException {
    JsonNode event = json.readTree(golden(action));

    assertThat(schema.validate(event)).isEmpty();
    assertThat(event.get("action").asText()).isEqualTo(action.wireName());
  }

  @ParameterizedTest
  @EnumSource(value = Action.class, mode = EnumSource.Mode.EXCLUDE, names = "SPLIT_CHANGED")
  void everyGoldenEventRoundTripsThroughTheSerdeByteForByte(Action action) {
    byte[] bytes = golden(action);

    RouteEvent event = serde.deserialize("route-events", bytes);

    assertThat(event.action()).isEqualTo(action);
    assertThat(new String(serde.serialize("route-events", event), StandardCharsets.UTF_8))
        .isEqualTo(new String(bytes, StandardCharsets.UTF_8));
  }

  @Test
  void whatTheSerdeWritesMatchesTheJsonSchema() throws IOException {
    RouteEvent event = serde.deserialize("route-events", golden(Action.URL_CHANGED));

    assertThat(schema.validate(json.readTree(serde.serialize("route-events", event)))).isEmpty();
  }

  @Test
  void anEventWithoutAChangeIndexStillParsesAndOneWithItKeepsIt() throws IOException {
    RouteEvent old = serde.deserialize("route-events", golden(Action.CREATED));
    assertThat(old.index()).isNull();

    var indexed =
        (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(golden(Action.CREATED));
    indexed.put("index", 42);
    byte[] bytes = json.writeValueAsBytes(indexed);
    assertThat(schema.validate(indexed)).isEmpty();
    RouteEvent event = serde.deserialize("route-events", bytes);
    assertThat(event.index()).isEqualTo(42L);
    assertThat(json.readTree(serde.serialize("route-events", event)).path("index").asLong())
        .isEqualTo(42);
  }

  @Test
  void theSchemaRejectsAnEventWithoutARevisionOrWithAnUnknownAction() throws IOException {
    var event =
        (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(golden(Action.CREATED));
    event.remove("revision");
    event.put("action", "deleted");

    assertThat(schema.validate(event))
        .extracting(m -> m.getMessage())
        .anySatisfy(m -> assertThat(m).contains("revision"))
        .anySatisfy(m -> assertThat(m).contains("action"));
  }

  @Test
  void theSerdeRefusesAnUnknownActionInsteadOfDroppingIt() {
    String bad =
        new String(golden(Action.CREATED), StandardCharsets.UTF_8).replace("created", "deleted");

    assertThatThrownBy(
            () -> serde.deserialize("route-events", bad.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("deleted");
  }

  @Test
  void theSerdeRefusesAnEventWithAMissingField() {
    String bad =
        new String(golden(Action.CREATED), StandardCharsets.UTF_8).replace("\"revision\":1,", "");

    assertThatThrownBy(
            () -> serde.deserialize("route-events", bad.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("revision");
  }

  // schema_version 2: the split_changed event.

  @Test
  void theGoldenSplitEventMatchesItsJsonSchema() throws IOException {
    assertThat(splitSchema.validate(json.readTree(golden(Action.SPLIT_CHANGED)))).isEmpty();
  }

  @Test
  void theGoldenSplitEventRoundTripsThroughTheSerdeByteForByte() {
    SplitEvent event = splits.deserialize("route-events", golden(Action.SPLIT_CHANGED));

    assertThat(event.schemaVersion()).isEqualTo(2);
    assertThat(event.action()).isEqualTo(Action.SPLIT_CHANGED);
    assertThat(event.weights()).isEqualTo(Map.of("v1", 90, "v2", 10));
    assertThat(event.splitKey().toString()).isEqualTo("acme/checkout/prod");
    assertThat(new String(splits.serialize("route-events", event), StandardCharsets.UTF_8))
        .isEqualTo(new String(golden(Action.SPLIT_CHANGED), StandardCharsets.UTF_8));
  }

  @Test
  void aDeletedSplitHasNoWeightsAndStillMatchesTheSchema() throws IOException {
    SplitEvent event = splits.deserialize("route-events", golden(Action.SPLIT_CHANGED));
    SplitEvent deleted =
        SplitEvent.of(
                event.eventId(),
                new SplitState("acme", "checkout", "prod", Map.of(), 2, event.occurredAt()),
                event.occurredAt(),
                "deploy-bot",
                "c1")
            .withIndex(7);

    byte[] bytes = splits.serialize("route-events", deleted);

    assertThat(splitSchema.validate(json.readTree(bytes))).isEmpty();
    assertThat(splits.deserialize("route-events", bytes).state().deleted()).isTrue();
  }

  @Test
  void theVersionOneSchemaAndReaderRefuseASplitEventSoItIsNeverTakenForARoute() throws IOException {
    assertThat(schema.validate(json.readTree(golden(Action.SPLIT_CHANGED)))).isNotEmpty();
    assertThatThrownBy(() -> serde.deserialize("route-events", golden(Action.SPLIT_CHANGED)))
        .isInstanceOf(SerializationException.class);
  }

  private static byte[] golden(Action action) {
    return resource("golden/" + action.wireName() + ".json");
  }

  private static JsonSchema loadSchema(String name) {
    SchemaValidatorsConfig config =
        SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
        .getSchema(new java.io.ByteArrayInputStream(resource(name)), config);
  }

  private static byte[] resource(String name) {
    try (InputStream in = RouteEvent.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
