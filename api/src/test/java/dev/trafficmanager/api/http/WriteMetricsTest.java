package dev.trafficmanager.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trafficmanager.api.routes.RouteConflictException;
import dev.trafficmanager.route.InvalidInputException;
import dev.trafficmanager.route.RouteKey;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class WriteMetricsTest {
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final WriteMetrics writes = new WriteMetrics(meters);

  @Test
  void aFailedWriteIsCountedUnderTheOutcomeOfItsStatus() {
    writes.failed("create", new InvalidInputException("url", "is required"));
    writes.failed(
        "create", new RouteConflictException(new RouteKey("acme", "search", "prod", "v1")));
    writes.failed(
        "create", BulkheadFullException.createBulkheadFullException(Bulkhead.ofDefaults("writes")));
    writes.failed("create", new IllegalStateException("bug"));

    assertThat(count("invalid")).isEqualTo(1);
    assertThat(count("conflict")).isEqualTo(1);
    assertThat(count("unavailable")).isEqualTo(1);
    assertThat(count("error")).isEqualTo(1);
  }

  private double count(String outcome) {
    return meters
        .get(WriteMetrics.WRITES)
        .tag("action", "create")
        .tag("outcome", outcome)
        .counter()
        .count();
  }
}
