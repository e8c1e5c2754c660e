package dev.trafficmanager.api.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trafficmanager.route.InvalidInputException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RouteQueryTest {
  @Test
  void namesEveryBadField() {
    assertThatThrownBy(
            () -> new RouteQuery("Acme", Optional.of("-x"), Optional.of(""), 501, Optional.empty()))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e ->
                assertThat(e.violations())
                    .extracting("field")
                    .containsExactly("tenant", "service", "env", "limit"));
  }

  @Test
  void acceptsTheBoundsOfTheLimit() {
    assertThat(
            new RouteQuery("acme", Optional.empty(), Optional.empty(), 1, Optional.empty()).limit())
        .isEqualTo(1);
    assertThat(
            new RouteQuery("acme", Optional.empty(), Optional.empty(), 500, Optional.empty())
                .limit())
        .isEqualTo(500);
  }
}
