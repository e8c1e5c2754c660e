package dev.trafficmanager.app;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trafficmanager.api.resolve.NearCacheSettings;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import dev.trafficmanager.topic.Topics;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A split change end to end through the real broker: written through API A, relayed as a
 * schema_version 2 event, processed onto the change stream, recorded by the audit-log consumer, and
 * published by the cache-invalidation consumer so that API B, whose split cache would keep the old
 * split for ten minutes, picks by the new split; nothing of it is dead-lettered. The audit API then
 * serves the split's history as the consumer recorded it.
 */
@ExtendWith(SharedServers.class)
class SplitPipelineTest {
  private static final Duration BOUND = ofSeconds(30);
  private static final String SPLIT = "/api/v1/splits/acme/checkout/prod";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aSplitChangeReachesTheAuditLogAndAnotherApiThroughTheInvalidationConsumer(
      TestEnvironment env) throws Exception {
    Settings settings = env.with(Map.of(NearCacheSettings.TTL, "10m"));
    PipelineServices.run(
        env,
        settings,
        "pipeline",
        port -> {
          PipelineScenario a = new PipelineScenario(port, settings);
          try (ApiInstance b = ApiInstance.start(settings, "api-b")) {
            for (String version : List.of("v1", "v2")) {
              assertThat(
                      a.post(
                              "/api/v1/routes",
                              ("{\"tenant\":\"acme\",\"service\":\"checkout\",\"env\":\"prod\","
                                      + "\"version\":\"%s\",\"url\":\"https://checkout.acme.example/%s\"}")
                                  .formatted(version, version))
                          .statusCode())
                  .isEqualTo(201);
            }
            HttpResponse<String> put = a.put(SPLIT, "{\"weights\":{\"v1\":100,\"v2\":0}}");
            assertThat(put.statusCode()).isEqualTo(201);
            // B reads the split once, and would keep it for ten minutes.
            await("B picks v1 by the first split")
                .atMost(BOUND)
                .until(() -> b.picked("acme", "checkout", "prod", "user-7"), "v1"::equals);

            HttpResponse<String> changed = a.put(SPLIT, "{\"weights\":{\"v1\":0,\"v2\":100}}");
            assertThat(changed.statusCode()).isEqualTo(200);

            await("B picks by the new split, told by the cache-invalidation consumer")
                .atMost(BOUND)
                .until(() -> b.picked("acme", "checkout", "prod", "user-7"), "v2"::equals);
            HttpResponse<String> deleted = a.delete(SPLIT);
            assertThat(deleted.statusCode()).isEqualTo(200);
            await("the three split changes in split_audit_log")
                .atMost(BOUND)
                .until(() -> auditedRevisions(env), List.of(1L, 2L, 3L)::equals);
            JsonNode history =
                JSON.readTree(
                        a.get("/api/v1/audit/split?tenant=acme&service=checkout&env=prod").body())
                    .path("items");
            assertThat(history.findValuesAsText("revision")).containsExactly("3", "2", "1");
            assertThat(history.findValuesAsText("actor")).containsOnly("test-admin");
            assertThat(history.findValuesAsText("correlation_id"))
                .containsExactly(
                    correlationId(deleted), correlationId(changed), correlationId(put));
            assertThat(history.get(0).path("previous").path("weights").path("v2").asInt())
                .isEqualTo(100);
            assertThat(history.get(0).path("current").path("weights").isEmpty()).isTrue();
            assertThat(history.get(1).path("previous").path("weights").path("v1").asInt())
                .isEqualTo(100);
            assertThat(history.get(1).path("current").path("weights").path("v2").asInt())
                .isEqualTo(100);
            assertThat(history.get(2).path("previous").isNull()).isTrue();
            Topics topics = env.topics();
            assertThat(env.readAll(topics.routeEventsDlq())).isEmpty();
            for (String consumer : Topics.CONSUMERS) {
              assertThat(env.readAll(topics.consumerDlq(consumer))).as(consumer).isEmpty();
            }
          }
        });
  }

  private static String correlationId(HttpResponse<String> response) {
    return response.headers().firstValue("X-Correlation-ID").orElseThrow();
  }

  private static List<Long> auditedRevisions(TestEnvironment env) {
    return env.jdbi()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT revision FROM split_audit_log WHERE split_key = 'acme/checkout/prod'"
                            + " ORDER BY revision")
                    .mapTo(Long.class)
                    .list());
  }
}
