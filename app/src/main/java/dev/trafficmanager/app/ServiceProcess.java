package dev.trafficmanager.app;

import dev.trafficmanager.config.Settings;
import dev.trafficmanager.service.ServiceContext;

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
    ServiceContext context = ServiceContext.create(settings, serviceName);
    try (ServiceLifecycle lifecycle = new ServiceLifecycle(context.draining(), drain.grace())) {
      lifecycle.started(context);
      starter.start(context, lifecycle);
      lifecycle.awaitShutdownSignal();
    }
    return 0;
  }
}
