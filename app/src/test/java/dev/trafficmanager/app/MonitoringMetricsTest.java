package dev.trafficmanager.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every metric that ops/prometheus/rules.yml and the Grafana dashboard query is one the running
 * pipeline exposes on /metrics: an alert on a misspelt metric never fires and a panel on one stays
 * empty, and neither says so. Names with a colon are recording rules, which rules.yml must define.
 */
@ExtendWith(SharedServers.class)
class MonitoringMetricsTest {
  private static final Path OPS = Path.of("..", "ops");
  // rules.yml keeps each expression on one line, so a line pattern finds them without a YAML
  // parser.
  private static final Pattern EXPR = Pattern.compile("(?m)^\\s*expr:\\s*(.+)$");
  private static final Pattern RECORD = Pattern.compile("(?m)^\\s*- record:\\s*(\\S+)\\s*$");

  @Test
  void everyMetricTheRulesAndTheDashboardQueryIsExposed(TestEnvironment env) throws Exception {
    String rules = Files.readString(OPS.resolve("prometheus/rules.yml"));
    Set<String> queried = new TreeSet<>();
    List<String> expressions = new ArrayList<>(matches(EXPR, rules));
    expressions.addAll(dashboardExpressions());
    expressions.forEach(e -> queried.addAll(PromqlMetricNames.of(e)));
    Set<String> recorded = new TreeSet<>(matches(RECORD, rules));
    Set<String> exported =
        queried.stream().filter(name -> !name.contains(":")).collect(Collectors.toSet());

    // A tokenizer that found nothing would pass vacuously.
    assertThat(exported)
        .contains("tm_outbox_relay_leader", "http_server_requests_seconds_bucket")
        .hasSizeGreaterThan(15);
    assertThat(recorded)
        .as("recording rules the dashboard and alerts use")
        .containsAll(queried.stream().filter(name -> name.contains(":")).toList());

    PipelineServices.run(
        env,
        "monitoring",
        port -> {
          // Writes and resolves, so that the request histograms and cache counters have series.
          new PipelineScenario(port, env.settings()).createResolveDeactivate();
          URI metrics = URI.create("http://localhost:" + port + "/metrics");
          await("every queried metric on /metrics")
              .atMost(Duration.ofSeconds(60))
              .untilAsserted(() -> assertThat(exposedNames(metrics)).containsAll(exported));
        });
  }

  private static List<String> dashboardExpressions() throws IOException {
    List<String> expressions = new ArrayList<>();
    try (var files = Files.list(OPS.resolve("grafana/dashboards"))) {
      for (Path file : files.toList()) {
        JsonNode dashboard = new ObjectMapper().readTree(file.toFile());
        dashboard.findValues("expr").forEach(expr -> expressions.add(expr.asText()));
      }
    }
    assertThat(expressions).as("dashboard queries").isNotEmpty();
    return expressions;
  }

  /** The sample names of a Prometheus text exposition. */
  private static Set<String> exposedNames(URI metrics) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response
        .body()
        .lines()
        .filter(line -> !line.isBlank() && !line.startsWith("#"))
        .map(line -> line.split("[{ ]", 2)[0])
        .collect(Collectors.toSet());
  }

  private static List<String> matches(Pattern pattern, String text) {
    List<String> found = new ArrayList<>();
    Matcher matcher = pattern.matcher(text);
    while (matcher.find()) {
      found.add(matcher.group(1));
    }
    return found;
  }
}
