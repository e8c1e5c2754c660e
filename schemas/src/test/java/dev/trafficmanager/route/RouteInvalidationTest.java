package dev.trafficmanager.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class RouteInvalidationTest {
  private static final RouteKey ROUTE = RouteKey.parse("acme/billing/prod/v1");

  @Test
  void aMessageIsTheRouteKeyAndTheRevisionAndReadsBack() {
    RouteInvalidation invalidation = new RouteInvalidation(ROUTE, 7);

    assertThat(invalidation.toMessage()).isEqualTo("acme/billing/prod/v1 7");
    assertThat(RouteInvalidation.parse(invalidation.toMessage())).isEqualTo(invalidation);
  }

  @Test
  void theChannelSharesTheKeyPrefix() {
    assertThat(new CacheKeys("test-1:").invalidations()).isEqualTo("test-1:route-invalidations");
  }

  @Test
  void aRevisionBelowOneIsRefused() {
    assertThatThrownBy(() -> new RouteInvalidation(ROUTE, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "acme/billing/prod/v1",
        "acme/billing/prod/v1 ",
        "acme/billing/prod/v1 x",
        "acme/billing/prod/v1 0",
        "acme/billing/prod/v1 -3",
        "acme/billing/prod 7",
        "Acme/billing/prod/v1 7",
        "{\"route\":\"acme/billing/prod/v1\",\"revision\":7}"
      })
  void anythingElseIsRejected(String message) {
    assertThatThrownBy(() -> RouteInvalidation.parse(message))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
