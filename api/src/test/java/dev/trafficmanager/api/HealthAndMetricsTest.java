package dev.trafficmanager.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trafficmanager.cache.RedisFailures;
import dev.trafficmanager.database.DatabaseFailures;
import dev.trafficmanager.health.ComponentHealth;
import dev.trafficmanager.service.ServiceContext;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import dev.trafficmanager.testkit.TestTokens;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedServers.class)
class HealthAndMetricsTest {
  private static final String ROUTES = "/api/v1/routes";

  @Test
  void readinessReportsEveryComponentIncludingOnesAddedBeforeStart(TestEnvironment env) {
    env.createTopics();
    AtomicBoolean processorUp = new AtomicBoolean(true);
    try (ServiceContext context =
            ServiceContext.create(
                env.settings(), "local", DatabaseFailures.OUTAGE, RedisFailures.OUTAGE);
        ApiService api = new ApiService(context)) {
      api.addHealthCheck(
          "processor",
          true,
          () ->
              processorUp.get()
                  ? ComponentHealth.up("processor")
                  : ComponentHealth.down("processor", "not running"));
      api.start();
      ApiClient client = new ApiClient(api.httpPort(), TestTokens.admin(env.settings()));

      ApiClient.Response ready = client.get("/health/ready");

      assertThat(ready.status()).as(ready.toString()).isEqualTo(200);
      assertThat(ready.json().path("status").asText()).isEqualTo("up");
      List<String> names = new ArrayList<>();
      ready.json().path("components").forEach(c -> names.add(c.path("name").asText()));
      assertThat(names).containsExactly("postgresql", "redis", "kafka", "draining", "processor");
      ready
          .json()
          .path("components")
          .forEach(c -> assertThat(c.path("status").asText()).as(c.toString()).isEqualTo("up"));
      JsonNode postgresql = RunningApi.component(ready.json(), "postgresql");
      assertThat(postgresql.path("probe").asText()).isEqualTo("ok");
      assertThat(postgresql.path("circuit_breaker").asText()).isEqualTo("closed");
      assertThat(RunningApi.component(ready.json(), "kafka").path("pending_rows").isNumber())
          .isTrue();
      assertThat(client.get("/health/live").json().path("status").asText()).isEqualTo("up");
      assertThat(client.get("/health").status()).isEqualTo(200);

      processorUp.set(false);

      ApiClient.Response unready = client.get("/health/ready");
      assertThat(unready.status()).isEqualTo(503);
      assertThat(unready.json().path("ready").asBoolean()).isFalse();
    }
  }

  @Test
  void resilienceReportsEveryBreakerBulkheadAndRetryBudget(TestEnvironment env) {
    try (RunningApi running = RunningApi.start(env.settings())) {
      JsonNode resilience = running.client().get("/health/resilience").json();

      for (String dependency : List.of("postgresql", "redis", "kafka")) {
        JsonNode breaker = RunningApi.named(resilience, "circuit_breakers", "name", dependency);
        assertThat(breaker.path("state").asText()).isEqualTo("closed");
        assertThat(breaker.has("failure_rate")).isTrue();
        assertThat(
                RunningApi.named(resilience, "retry_budgets", "dependency", dependency)
                    .path("balance")
                    .asLong())
            .isPositive();
      }
      assertThat(
              RunningApi.named(resilience, "bulkheads", "name", "reads")
                  .path("max_concurrent_calls")
                  .asInt())
          .isEqualTo(20);
      assertThat(
              RunningApi.named(resilience, "bulkheads", "name", "writes")
                  .path("max_concurrent_calls")
                  .asInt())
          .isEqualTo(10);
      assertThat(
              RunningApi.named(resilience, "bulkheads", "name", "audit")
                  .path("max_concurrent_calls")
                  .asInt())
          .isEqualTo(10);
      assertThat(resilience.path("draining").asBoolean()).isFalse();
      assertThat(resilience.path("in_flight").asInt()).as("this request").isEqualTo(1);
    }
  }

  @Test
  void metricsAreScrapedInThePrometheusFormatWithTheServiceTag(TestEnvironment env) {
    try (RunningApi running = RunningApi.start(env.settings())) {
      ApiClient client = running.client();
      client.post(ROUTES, ApiClient.route("acme", "billing", "prod", "v1", "https://a.example/"));
      client.get(ROUTES + "/resolve?tenant=acme&service=billing&env=prod&version=v1");
      client.get(ROUTES + "/resolve?tenant=acme&service=billing&env=prod&version=v1");
      client.get("/nowhere/" + "x".repeat(20));

      ApiClient.Response metrics = client.get("/metrics");

      assertThat(metrics.status()).isEqualTo(200);
      assertThat(metrics.header("Content-Type"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
      List<String> lines = Arrays.asList(metrics.body().split("\n"));
      assertSeries(
          lines,
          "http_server_requests_seconds_bucket",
          "method=\"POST\"",
          "uri=\"/api/v1/routes\"",
          "status=\"201\"",
          "service=\"api-test\"");
      assertSeries(lines, "http_server_requests_seconds_count", "uri=\"/api/v1/routes/resolve\"");
      assertSeries(
          lines, "http_server_requests_seconds_count", "uri=\"NOT_FOUND\"", "status=\"404\"");
      assertSeries(lines, "tm_resolve_cache_requests_total", "result=\"miss\"");
      assertSeries(lines, "tm_resolve_cache_requests_total", "result=\"hit\"");
      assertSeries(lines, "tm_resolve_near_cache_requests_total", "result=\"miss\"");
      assertSeries(lines, "tm_resolve_near_cache_requests_total", "result=\"hit\"");
      assertSeries(lines, "tm_resolve_near_cache_size");
      assertSeries(lines, "tm_resolve_near_cache_invalidations_received_total");
      assertSeries(lines, "tm_route_writes_total", "action=\"create\"", "outcome=\"created\"");
      assertSeries(lines, "tm_outbox_pending_rows", "service=\"api-test\"");
      assertSeries(lines, "tm_outbox_oldest_pending_age_seconds");
      assertSeries(lines, "tm_outbox_published_total");
      assertSeries(lines, "tm_outbox_publish_failures_total");
      assertSeries(lines, "resilience4j_circuitbreaker_state", "name=\"postgresql\"");
      assertSeries(lines, "tm_retry_budget_balance", "dependency=\"postgresql\"");
      assertSeries(lines, "tm_in_flight_requests");
      assertThat(lines).noneMatch(l -> l.contains("xxxxxxxxxx"));
    }
  }

  private static void assertSeries(List<String> lines, String name, String... labels) {
    assertThat(lines)
        .as("a series %s with %s", name, Arrays.toString(labels))
        .anyMatch(
            line ->
                (line.startsWith(name + "{") || line.startsWith(name + " "))
                    && Arrays.stream(labels).allMatch(line::contains));
  }
}
