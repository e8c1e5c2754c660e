package dev.trafficmanager.api.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CacheEntryFormatTest {
  private final CacheEntryFormat format = new CacheEntryFormat();

  @Test
  void aResolvingRouteIsItsUrlAndRevision() {
    Resolution resolution = new Resolution("https://billing.example/v1", 7);
    String entry = format.write(Optional.of(resolution));
    assertThat(entry).isEqualTo("{\"url\":\"https://billing.example/v1\",\"revision\":7}");
    assertThat(format.read(entry)).contains(resolution);
  }

  @Test
  void aRouteThatDoesNotResolveIsMissing() {
    String entry = format.write(Optional.empty());
    assertThat(entry).isEqualTo("{\"missing\":true}");
    assertThat(format.read(entry)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "not json", "{}", "{\"url\":\"x\"}", "{\"url\":5,\"revision\":1}", "[]"})
  void anythingElseIsUnreadable(String value) {
    assertThatThrownBy(() -> format.read(value)).isInstanceOf(IllegalArgumentException.class);
  }
}
