package dev.trafficmanager.http;

import dev.trafficmanager.health.HealthReport;
import dev.trafficmanager.metrics.Metrics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Health and metrics: {@code /health} and {@code /health/live} (the process answers), {@code
 * /health/ready} (200 when ready, 503 when not, with every component's status and detail), {@code
 * /health/resilience} (breakers, bulkheads, retry budgets, draining, requests in flight) and {@code
 * /metrics} (Prometheus text format).
 *
 * <p>{@code /health} also lists the process's standing warnings, such as a security setting turned
 * off, where whoever checks on the service sees them.
 */
public final class HealthEndpoints {
  static final String HEALTH = "/health";

  private final HealthReport report;
  private final Metrics metrics;
  private final JsonResponder json;
  private final List<String> warnings;

  public HealthEndpoints(HealthReport report, Metrics metrics, JsonResponder json) {
    this(report, metrics, json, List.of());
  }

  /**
   * @param warnings shown by {@code /health} as {@code "warnings": [...]}, when there are any
   */
  public HealthEndpoints(
      HealthReport report, Metrics metrics, JsonResponder json, List<String> warnings) {
    this.report = report;
    this.metrics = metrics;
    this.json = json;
    this.warnings = List.copyOf(warnings);
  }

  public void register(Endpoints app) {
    app.get(HEALTH, ctx -> json.send(ctx, 200, health()));
    app.get(HEALTH + "/live", ctx -> json.send(ctx, 200, Map.of("status", "up")));
    app.get(
        HEALTH + "/ready",
        ctx -> {
          HealthReport.Readiness readiness = report.readiness();
          json.send(ctx, readiness.ready() ? 200 : 503, readiness.toMap());
        });
    app.get(HEALTH + "/resilience", ctx -> json.send(ctx, 200, report.resilience().toMap()));
    app.get("/metrics", ctx -> ctx.contentType(Metrics.CONTENT_TYPE).result(metrics.scrape()));
  }

  private Map<String, Object> health() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", "up");
    if (!warnings.isEmpty()) {
      body.put("warnings", warnings);
    }
    return body;
  }
}
