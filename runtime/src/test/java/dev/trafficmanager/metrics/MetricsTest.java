package dev.trafficmanager.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trafficmanager.config.Settings;
import dev.trafficmanager.resilience.Dependency;
import dev.trafficmanager.service.ServiceContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsTest {

  @Test
  void theScrapeShowsBreakerStatesBulkheadsAndRetryBudgetsInPrometheusNames() {
    try (ServiceContext context = ServiceContext.create(new Settings(Map.of()), "api")) {
      context.resilience().breaker(Dependency.REDIS).transitionToOpenState();
      context.resilience().budget(Dependency.DATABASE).deposit();
      context.resilience().budget(Dependency.KAFKA).tryWithdraw();

      List<String> lines = context.metrics().scrape().lines().toList();

      assertThat(
              sample(
                  lines,
                  "resilience4j_circuitbreaker_state{",
                  "name=\"postgresql\"",
                  "state=\"closed\""))
          .endsWith(" 1.0");
      assertThat(
              sample(
                  lines, "resilience4j_circuitbreaker_state{", "name=\"redis\"", "state=\"open\""))
          .endsWith(" 1.0");
      assertThat(
              sample(
                  lines,
                  "resilience4j_circuitbreaker_state{",
                  "name=\"redis\"",
                  "state=\"closed\""))
          .endsWith(" 0.0");
      assertThat(sample(lines, "resilience4j_circuitbreaker_failure_rate{", "name=\"kafka\""))
          .isNotNull();
      assertThat(
              sample(
                  lines, "resilience4j_bulkhead_max_allowed_concurrent_calls{", "name=\"writes\""))
          .endsWith(" 10.0");
      assertThat(sample(lines, "tm_retry_budget_balance{", "dependency=\"postgresql\""))
          .endsWith(" 100.0");
      assertThat(sample(lines, "tm_retry_budget_deposits_total{", "dependency=\"postgresql\""))
          .endsWith(" 1.0");
      assertThat(sample(lines, "tm_retry_budget_withdrawals_total{", "dependency=\"kafka\""))
          .endsWith(" 1.0");
      assertThat(sample(lines, "tm_retry_budget_rejections_total{", "dependency=\"redis\""))
          .endsWith(" 0.0");
      assertThat(sample(lines, "tm_draining{")).endsWith(" 0.0");
      assertThat(sample(lines, "tm_in_flight_requests{")).endsWith(" 0.0");
    }
  }

  @Test
  void everyMeterCarriesTheServiceTagAndTheJvmIsMeasured() {
    try (Metrics metrics = new Metrics("consumers")) {
      List<String> lines = metrics.scrape().lines().filter(l -> !l.startsWith("#")).toList();

      assertThat(lines).isNotEmpty().allMatch(l -> l.contains("service=\"consumers\""));
      assertThat(lines)
          .anyMatch(l -> l.startsWith("jvm_memory_used_bytes{"))
          .anyMatch(l -> l.startsWith("jvm_threads_live_threads{"))
          .anyMatch(l -> l.startsWith("process_uptime_seconds{"))
          .anyMatch(l -> l.startsWith("system_cpu_count{"));
    }
  }

  @Test
  void budgetRejectionsShowUpInTheScrape() {
    try (ServiceContext context =
        ServiceContext.create(new Settings(Map.of("TM_RETRY_BUDGET_MIN_PER_SECOND", "0")), "api")) {
      context.resilience().budget(Dependency.REDIS).tryWithdraw();

      assertThat(
              sample(
                  context.metrics().scrape().lines().toList(),
                  "tm_retry_budget_rejections_total{",
                  "dependency=\"redis\""))
          .endsWith(" 1.0");
    }
  }

  /** The one sample line that starts with {@code prefix} and carries every label given. */
  private static String sample(List<String> lines, String prefix, String... labels) {
    List<String> matches =
        lines.stream()
            .filter(l -> l.startsWith(prefix))
            .filter(l -> List.of(labels).stream().allMatch(l::contains))
            .toList();
    assertThat(matches).as("samples %s%s", prefix, List.of(labels)).hasSize(1);
    return matches.get(0);
  }
}
