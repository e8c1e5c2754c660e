package dev.trafficmanager.app;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trafficmanager.api.resolve.NearCacheSettings;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import dev.trafficmanager.topic.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A split change end to end through the real broker: written through API A, relayed as a
 * schema_version 2 event, processed onto the change stream, recorded by the audit-log consumer, and
 * published by the cache-invalidation consumer so that API B, whose split cache would keep the old
 * split for ten minutes, picks by the new split; nothing of it is dead-lettered.
 */
@ExtendWith(SharedServers.class)
class SplitPipelineTest {
  private static final Duration BOUND = ofSeconds(30);
  private static final String SPLIT = "/api/v1/splits/acme/checkout/prod";

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
            assertThat(a.put(SPLIT, "{\"weights\":{\"v1\":100,\"v2\":0}}").statusCode())
                .isEqualTo(201);
            // B reads the split once, and would keep it for ten minutes.
            await("B picks v1 by the first split")
                .atMost(BOUND)
                .until(() -> b.picked("acme", "checkout", "prod", "user-7"), "v1"::equals);

            assertThat(a.put(SPLIT, "{\"weights\":{\"v1\":0,\"v2\":100}}").statusCode())
                .isEqualTo(200);

            await("B picks by the new split, told by the cache-invalidation consumer")
                .atMost(BOUND)
                .until(() -> b.picked("acme", "checkout", "prod", "user-7"), "v2"::equals);
            await("both split changes in split_audit_log")
                .atMost(BOUND)
                .until(() -> auditedRevisions(env), List.of(1L, 2L)::equals);
            Topics topics = env.topics();
            assertThat(env.readAll(topics.routeEventsDlq())).isEmpty();
            for (String consumer : Topics.CONSUMERS) {
              assertThat(env.readAll(topics.consumerDlq(consumer))).as(consumer).isEmpty();
            }
          }
        });
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
