package dev.trafficmanager.app;

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
    PipelineServices.run(
        env, "e2e", port -> new PipelineScenario(port, env.settings()).createResolveDeactivate());
  }
}
