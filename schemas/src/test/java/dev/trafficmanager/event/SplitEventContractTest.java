package dev.trafficmanager.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** The schema_version 2 contract: the split_changed event, its schema and its golden example. */
class SplitEventContractTest {
  private final ObjectMapper json = EventJson.newMapper();
  private final JsonSerde<SplitEvent> serde = new JsonSerde<>(SplitEvent.class);

  @Test
  void theGoldenSplitEventMatchesItsJsonSchema() throws IOException {
    assertThat(schema("split-event.v2.schema.json").validate(json.readTree(golden()))).isEmpty();
  }

  @Test
  void theGoldenSplitEventRoundTripsThroughTheSerdeByteForByte() {
    SplitEvent event = serde.deserialize("route-events", golden());

    assertThat(event.schemaVersion()).isEqualTo(2);
    assertThat(event.action()).isEqualTo(Action.SPLIT_CHANGED);
    assertThat(event.weights()).isEqualTo(Map.of("v1", 90, "v2", 10));
    assertThat(event.splitKey().toString()).isEqualTo("acme/checkout/prod");
    assertThat(new String(serde.serialize("route-events", event), StandardCharsets.UTF_8))
        .isEqualTo(new String(golden(), StandardCharsets.UTF_8));
  }

  @Test
  void aDeletedSplitHasNoWeightsAndStillMatchesTheSchema() throws IOException {
    SplitEvent event = serde.deserialize("route-events", golden());
    SplitEvent deleted =
        SplitEvent.of(
            event.eventId(),
            new SplitState("acme", "checkout", "prod", Map.of(), 2, event.occurredAt()),
            event.occurredAt(),
            "deploy-bot",
            "c1",
            7L);

    byte[] bytes = serde.serialize("route-events", deleted);

    assertThat(schema("split-event.v2.schema.json").validate(json.readTree(bytes))).isEmpty();
    assertThat(serde.deserialize("route-events", bytes).state().deleted()).isTrue();
  }

  @Test
  void theVersionOneSchemaAndReaderRefuseASplitEventSoItIsNeverTakenForARoute() throws IOException {
    assertThat(schema("route-event.v1.schema.json").validate(json.readTree(golden()))).isNotEmpty();
    JsonSerde<RouteEvent> v1 = new JsonSerde<>(RouteEvent.class);
    assertThatThrownBy(() -> v1.deserialize("route-events", golden()))
        .isInstanceOf(SerializationException.class);
  }

  private static byte[] golden() {
    return resource("golden/split_changed.json");
  }

  private static JsonSchema schema(String name) {
    SchemaValidatorsConfig config =
        SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
        .getSchema(new ByteArrayInputStream(resource(name)), config);
  }

  private static byte[] resource(String name) {
    try (InputStream in = SplitEvent.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
