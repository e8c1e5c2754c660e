package dev.trafficmanager.app;

import dev.trafficmanager.api.ApiService;
import dev.trafficmanager.cache.RedisFailures;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.consumers.ConsumerService;
import dev.trafficmanager.database.DatabaseFailures;
import dev.trafficmanager.processor.ProcessorService;
import dev.trafficmanager.service.ServiceContext;
import dev.trafficmanager.testkit.TestEnvironment;

/**
 * The whole pipeline as separate services given the test environment's servers by URL: the three
 * consumers, the processor and the API (with its relay). They share one context, so one meter
 * registry, which the API's {@code /metrics} serves, as in {@code local}.
 */
final class PipelineServices {
  /** What a test does while the pipeline runs. */
  interface WhileRunning {
    void run(int apiHttpPort) throws Exception;
  }

  private PipelineServices() {}

  /** Starts the pipeline, runs {@code test} against it, and stops it. */
  static void run(TestEnvironment env, String name, WhileRunning test) throws Exception {
    run(env, env.settings(), name, test);
  }

  /** As {@link #run(TestEnvironment, String, WhileRunning)}, with settings of the environment's. */
  static void run(TestEnvironment env, Settings settings, String name, WhileRunning test)
      throws Exception {
    env.createTopics();
    try (ServiceContext context =
            ServiceContext.create(settings, name, DatabaseFailures.OUTAGE, RedisFailures.OUTAGE);
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

      test.run(api.httpPort());
    }
  }
}
