package dev.trafficmanager.api.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trafficmanager.route.InvalidInputException;
import dev.trafficmanager.route.RouteKey;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PageCursorTest {
  private final RouteKey key = new RouteKey("acme", "billing", "prod", "v1.2");

  @Test
  void decodesWhatItEncoded() {
    String cursor = PageCursor.encode(key);
    assertThat(cursor).matches("[A-Za-z0-9_-]+");
    assertThat(PageCursor.decode(cursor, "acme")).isEqualTo(key);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "!!!", "not base64 at all", "YWNtZQ"})
  void rejectsAnythingItDidNotIssueNamingTheCursor(String cursor) {
    assertThatThrownBy(() -> PageCursor.decode(cursor, "acme"))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e -> assertThat(e.violations()).extracting("field").containsExactly("cursor"));
  }

  @Test
  void rejectsAKeyThatBreaksTheNameRules() {
    String cursor =
        Base64.getUrlEncoder().encodeToString("acme/BAD/prod/v1".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> PageCursor.decode(cursor, "acme"))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e -> assertThat(e.violations()).extracting("field").containsExactly("cursor"));
  }

  @Test
  void rejectsACursorOfAnotherTenant() {
    assertThatThrownBy(() -> PageCursor.decode(PageCursor.encode(key), "other"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("cursor");
  }
}
