package dev.trafficmanager.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalInstantDeserializerTest {
  private final ObjectMapper events = EventJson.newMapper();

  @Test
  void readsEveryInstantItWritesAsTheSameInstant() throws Exception {
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 20_000; i++) {
      long seconds =
          random.nextLong(
              Instant.parse("0000-01-01T00:00:00Z").getEpochSecond(),
              Instant.parse("9999-12-31T23:59:59Z").getEpochSecond() + 1);
      // Whole seconds, milli-, micro- and nanosecond precision: each prints another fraction.
      int nanos =
          switch (i % 4) {
            case 0 -> 0;
            case 1 -> random.nextInt(1_000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1_000;
            default -> random.nextInt(1_000_000_000);
          };
      Instant instant = Instant.ofEpochSecond(seconds, nanos);
      String json = events.writeValueAsString(instant);

      assertThat(events.readValue(json, Instant.class)).as(json).isEqualTo(instant);
      assertThat(CanonicalInstantDeserializer.parseCanonical(instant.toString()))
          .as(json)
          .isEqualTo(instant);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-12-05T02:05:42.1Z",
        "2026-12-05T02:05:42.12Z",
        "2026-12-05T02:05:42.1234Z",
        "2024-02-29T23:59:59.999999999Z",
        "2026-12-05t02:05:42z",
        "2026-12-05T03:05:42+01:00",
        "2026-12-05T02:05:42.123456+00:00",
        "2026-12-05T24:00:00Z",
        "2026-12-05T02:05:42.Z"
      })
  void readsWhatTheGeneralParserReadsAsItReadsIt(String text) throws Exception {
    assertThat(events.readValue('"' + text + '"', Instant.class))
        .isEqualTo(java.time.format.DateTimeFormatter.ISO_INSTANT.parse(text, Instant::from));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-02-30T00:00:00Z",
        "2026-13-01T00:00:00Z",
        "2026-12-05T02:60:00Z",
        "2026-12-05T02:05:42.1234567890Z",
        "2026-12-05T02:05:4xZ",
        "2026-12-05 02:05:42Z",
        "2026-12-05T02:05:42"
      })
  void rejectsWhatTheGeneralParserRejects(String text) {
    assertThat(CanonicalInstantDeserializer.parseCanonical(text)).isNull();
    assertThatThrownBy(() -> events.readValue('"' + text + '"', Instant.class))
        .isInstanceOf(InvalidFormatException.class);
  }
}
