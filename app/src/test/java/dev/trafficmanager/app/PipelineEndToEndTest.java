package dev.trafficmanager.app;

import dev.trafficmanager.api.ApiService;
import dev.trafficmanager.cache.RedisFailures;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.consumers.ConsumerService;
import dev.trafficmanager.database.DatabaseFailures;
import dev.trafficmanager.processor.ProcessorService;
import dev.trafficmanager.service.ServiceContext;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole pipeline through the real broker, PostgreSQL and Redis, as separate services given the
 * servers by URL ({@code LocalStackTest} runs it as {@code local}).
 */
@ExtendWith(SharedServers.class)
class PipelineEndToEndTest {

  @Test
  void servicesGivenExternalServersByUrlRunThePipeline(TestEnvironment env) throws Exception {
    Settings settings = env.settings();
    env.createTopics();
    try (ServiceContext context =
            ServiceContext.create(settings, "e2e", DatabaseFailures.OUTAGE, RedisFailures.OUTAGE);
        ConsumerService invalidation =
            new ConsumerService(ConsumerService.CACHE_INVALIDATION, context);
        ConsumerService warming = new ConsumerService(ConsumerService.CACHE_WARMING, context);
        ConsumerService audit = new ConsumerService(ConsumerService.AUDIT_LOG, context);
        ProcessorService processor = new ProcessorService(context);
        ApiService api = new ApiService(context)) {
      invalidation.start();
      warming.start();
      audit.start();
      processor.start();
      api.start();

      new PipelineScenario(api.httpPort(), settings).createResolveDeactivate();
    }
  }
}
