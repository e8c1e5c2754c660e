package dev.trafficmanager.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trafficmanager.config.Settings;
import dev.trafficmanager.health.ComponentHealth;
import dev.trafficmanager.health.HealthReport;
import dev.trafficmanager.service.ServiceContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** What a processor's or a consumer's container answers its probes and its scraper. */
class OpsServerTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void servesReadinessFromItsReportMetricsAndA405ForOtherMethods() throws Exception {
    AtomicBoolean processorUp = new AtomicBoolean(true);
    try (ServiceContext context = ServiceContext.create(new Settings(Map.of()), "processor");
        OpsServer ops =
            new OpsServer(
                context,
                HealthReport.builder(context.resilience(), context.draining())
                    .required(
                        "processor",
                        () ->
                            processorUp.get()
                                ? ComponentHealth.up("processor")
                                : ComponentHealth.down("processor", "not running"))
                    .build())) {
      ops.start(0);
      String base = "http://localhost:" + ops.port();

      assertThat(send(base + "/health/live", "GET").statusCode()).isEqualTo(200);
      assertThat(send(base + "/health/ready", "GET").statusCode()).isEqualTo(200);
      processorUp.set(false);
      HttpResponse<String> unready = send(base + "/health/ready", "GET");
      assertThat(unready.statusCode()).isEqualTo(503);
      assertThat(unready.body()).contains("\"not running\"");
      HttpResponse<String> metrics = send(base + "/metrics", "GET");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("service=\"processor\"");

      HttpResponse<String> delete = send(base + "/health", "DELETE");
      assertThat(delete.statusCode()).isEqualTo(405);
      assertThat(delete.headers().firstValue("Allow")).contains("GET, HEAD, OPTIONS");
      assertThat(delete.body()).contains("\"method_not_allowed\"");
      assertThat(send(base + "/nowhere", "GET").statusCode()).isEqualTo(404);
    }
  }

  private HttpResponse<String> send(String url, String method) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
