package dev.trafficmanager.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RouteKeyTest {
  @Test
  void stringFormIsTheKafkaKeyAndParsesBack() {
    RouteKey key = new RouteKey("acme", "checkout", "prod", "v1.2_3-rc");

    assertThat(key.toString()).isEqualTo("acme/checkout/prod/v1.2_3-rc");
    assertThat(RouteKey.parse(key.toString())).isEqualTo(key);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Acme", "-acme", ".acme", "ac/me", "ac me", "émile"})
  void partsOutsideTheNameRuleAreRejectedNamingTheField(String tenant) {
    assertThatThrownBy(() -> new RouteKey(tenant, "checkout", "prod", "v1"))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e -> assertThat(e.violations()).extracting(Violation::field).containsExactly("tenant"));
  }

  @Test
  void namesAreAtMost63Characters() {
    String longest = "a".repeat(63);

    assertThat(new RouteKey(longest, "s", "e", "v").tenant()).hasSize(63);
    assertThatThrownBy(() -> new RouteKey("a".repeat(64), "s", "e", "v"))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void everyBrokenPartIsReportedAtOnce() {
    assertThatThrownBy(() -> new RouteKey(null, "S", "prod", ""))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e ->
                assertThat(e.violations())
                    .extracting(Violation::field)
                    .containsExactly("tenant", "service", "version"));
  }

  @Test
  void cacheKeysCarryThePrefix() {
    assertThat(new CacheKeys("test-1:").route(new RouteKey("a", "b", "c", "d")))
        .isEqualTo("test-1:route:a/b/c/d");
  }
}
