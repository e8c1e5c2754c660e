package dev.trafficmanager.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromqlMetricNamesTest {

  @Test
  void findsTheMetricsButNotFunctionsLabelsValuesOrKeywords() {
    String expression =
        "histogram_quantile(0.99, sum by (le, status) (rate(http_server_requests_seconds_bucket"
            + "{uri=~\"/api/v1/routes.*\", method=\"POST\"}[$__rate_interval])))"
            + " / on (service) tm:http_write_requests:rate5m > 0.5"
            + " and (sum(tm_outbox_relay_leader) or vector(0)) < 1 unless up offset 5m";

    assertThat(PromqlMetricNames.of(expression))
        .containsExactlyInAnyOrder(
            "http_server_requests_seconds_bucket",
            "tm:http_write_requests:rate5m",
            "tm_outbox_relay_leader",
            "up");
  }
}
