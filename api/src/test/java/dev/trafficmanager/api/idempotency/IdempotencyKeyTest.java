package dev.trafficmanager.api.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trafficmanager.route.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdempotencyKeyTest {
  @Test
  void acceptsOneTo255VisibleAsciiCharacters() {
    assertThat(new IdempotencyKey("k").value()).isEqualTo("k");
    assertThat(new IdempotencyKey("x".repeat(255)).value()).hasSize(255);
    assertThat(new IdempotencyKey("3f1c-9a:b_c.d/e+f=").value()).isEqualTo("3f1c-9a:b_c.d/e+f=");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "with space", "tab\there", "caf\u00e9"})
  void rejectsEmptyOrInvisibleOrNonAsciiKeysNamingTheHeader(String value) {
    assertThatThrownBy(() -> new IdempotencyKey(value))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e -> assertThat(e.violations()).extracting("field").containsExactly("Idempotency-Key"));
  }

  @Test
  void rejects256Characters() {
    assertThatThrownBy(() -> new IdempotencyKey("x".repeat(256)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Idempotency-Key");
  }
}
