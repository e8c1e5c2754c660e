package dev.trafficmanager.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CacheEntryTest {
  @Test
  void resolvingAndMissingEntriesRoundTrip() {
    CacheEntry resolving = CacheEntry.resolving("https://a.example/x?y=\"z\"", 7);
    CacheEntry missing = CacheEntry.missing(8);

    assertThat(resolving.toJson())
        .isEqualTo("{\"url\":\"https://a.example/x?y=\\\"z\\\"\",\"revision\":7}");
    assertThat(missing.toJson()).isEqualTo("{\"missing\":true,\"revision\":8}");
    assertThat(CacheEntry.parse(resolving.toJson())).isEqualTo(resolving);
    assertThat(CacheEntry.parse(missing.toJson())).isEqualTo(missing);
  }

  @Test
  void aNegativeEntryWithoutRevisionReadsAsRevisionZero() {
    assertThat(CacheEntry.parse("{\"missing\":true}")).isEqualTo(CacheEntry.missing(0));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "garbage",
        "[]",
        "{}",
        "{\"url\":\"https://a\"}",
        "{\"url\":1,\"revision\":1}"
      })
  void anythingElseIsRejected(String value) {
    assertThatThrownBy(() -> CacheEntry.parse(value)).isInstanceOf(IllegalArgumentException.class);
  }
}
