package dev.trafficmanager.app;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trafficmanager.api.resolve.NearCacheSettings;
import dev.trafficmanager.cache.RedisFailures;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.consumers.ConsumerService;
import dev.trafficmanager.database.DatabaseFailures;
import dev.trafficmanager.processor.ProcessorService;
import dev.trafficmanager.route.RouteKey;
import dev.trafficmanager.service.ServiceContext;
import dev.trafficmanager.split.SplitAssignment;
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
    env.createTopics();
    try (ServiceContext pipeline =
            ServiceContext.create(
                settings, "pipeline", DatabaseFailures.OUTAGE, RedisFailures.OUTAGE);
        ConsumerService invalidation =
            new ConsumerService(ConsumerService.CACHE_INVALIDATION, pipeline);
        ConsumerService warming = new ConsumerService(ConsumerService.CACHE_WARMING, pipeline);
        ConsumerService audit = new ConsumerService(ConsumerService.AUDIT_LOG, pipeline);
        ProcessorService processor = new ProcessorService(pipeline);
        ApiInstance a = ApiInstance.start(settings, "api-a");
        ApiInstance b = ApiInstance.start(settings, "api-b")) {
      processor.start();
      invalidation.start();
      warming.start();
      audit.start();
      for (String version : List.of("v1", "v2")) {
        a.create(
            new RouteKey("acme", "checkout", "prod", version),
            "https://checkout.acme.example/" + version);
      }
      assertThat(a.client().put(SPLIT, "{\"weights\":{\"v1\":100,\"v2\":0}}").statusCode())
          .isEqualTo(201);
      // B reads the split once, and would keep it for ten minutes.
      await("B picks v1 by the first split")
          .atMost(BOUND)
          .until(() -> b.picked("acme", "checkout", "prod", "user-7"), "v1"::equals);

      assertThat(a.client().put(SPLIT, "{\"weights\":{\"v1\":0,\"v2\":100}}").statusCode())
          .isEqualTo(200);

      await("B picks by the new split, told by the cache-invalidation consumer")
          .atMost(BOUND)
          .until(() -> b.picked("acme", "checkout", "prod", "user-7"), "v2"::equals);
      await("both split changes in split_audit_log")
          .atMost(BOUND)
          .until(() -> auditedRevisions(env), List.of(1L, 2L)::equals);
      assertThat(a.picked("acme", "checkout", "prod", "user-7")).isEqualTo("v2");
      assertThat(SplitAssignment.of(Map.of("v1", 0, "v2", 100)).versionFor("user-7"))
          .isEqualTo("v2");
      Topics topics = env.topics();
      assertThat(env.readAll(topics.routeEventsDlq())).isEmpty();
      for (String consumer : Topics.CONSUMERS) {
        assertThat(env.readAll(topics.consumerDlq(consumer))).as(consumer).isEmpty();
      }
    }
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
