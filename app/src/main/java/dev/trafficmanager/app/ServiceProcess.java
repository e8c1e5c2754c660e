package dev.trafficmanager.app;

import dev.trafficmanager.cache.RedisFailures;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.database.DatabaseFailures;
import dev.trafficmanager.health.HealthReport;
import dev.trafficmanager.http.HttpSettings;
import dev.trafficmanager.http.OpsServer;
import dev.trafficmanager.service.ServiceContext;
import java.util.function.UnaryOperator;

/**
 * One service per process, as in a container: one {@link ServiceContext} (one retry budget per
 * dependency, one set of breakers, one metrics registry), run until SIGTERM, then drained.
 */
final class ServiceProcess {
  /** Starts the service's parts, registering each with the lifecycle as it starts. */
  @FunctionalInterface
  interface Starter {
    void start(ServiceContext context, ServiceLifecycle lifecycle) throws Exception;
  }

  private ServiceProcess() {}

  static int run(Settings settings, String serviceName, Starter starter) throws Exception {
    // Read before the context is created, so that a bad value leaves nothing open.
    DrainSettings drain = DrainSettings.from(settings, DrainSettings.SERVICE_DEFAULT);
    ServiceContext context =
        ServiceContext.create(settings, serviceName, DatabaseFailures.OUTAGE, RedisFailures.OUTAGE);
    try (ServiceLifecycle lifecycle = new ServiceLifecycle(context.draining(), drain.grace())) {
      lifecycle.started(context);
      starter.start(context, lifecycle);
      lifecycle.awaitShutdownSignal();
    }
    return 0;
  }

  /**
   * Serves {@code /health/*} and {@code /metrics} on {@code TM_HTTP_PORT}, with the process's
   * resilience and draining state and the service's own {@code checks}, until the lifecycle closes.
   */
  static void serveOps(
      ServiceContext context,
      ServiceLifecycle lifecycle,
      Settings settings,
      UnaryOperator<HealthReport.Builder> checks) {
    OpsServer ops =
        lifecycle.started(
            new OpsServer(
                context,
                checks
                    .apply(HealthReport.builder(context.resilience(), context.draining()))
                    .build()));
    ops.start(HttpSettings.from(settings));
  }
}
