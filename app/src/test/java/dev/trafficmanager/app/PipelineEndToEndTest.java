package dev.trafficmanager.app;

import dev.trafficmanager.api.ApiService;
import dev.trafficmanager.api.ApiSettings;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.consumers.ConsumerService;
import dev.trafficmanager.processor.ProcessorService;
import dev.trafficmanager.service.ServiceContext;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The whole pipeline through the real broker, PostgreSQL and Redis, started two ways. */
@ExtendWith(SharedServers.class)
class PipelineEndToEndTest {

  @Test
  void servicesGivenExternalServersByUrlRunThePipeline(TestEnvironment env) throws Exception {
    Settings settings = env.settings();
    env.createTopics();
    try (ServiceContext context = ServiceContext.create(settings, "e2e");
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

  @Test
  void localStartsItsOwnServersAndRunsThePipeline(@TempDir Path stateDir) throws Exception {
    Settings settings =
        new Settings(
            Map.of(
                LocalStack.STATE_DIR, stateDir.toString(),
                LocalStack.KAFKA_PORT, "0",
                LocalStack.DB_PORT, "0",
                LocalStack.REDIS_PORT, "0",
                ApiSettings.HTTP_PORT, "0"));
    try (LocalStack local = new LocalStack(settings)) {
      Settings effective = local.start();

      new PipelineScenario(local.httpPort(), effective).createResolveDeactivate();
    }
  }
}
