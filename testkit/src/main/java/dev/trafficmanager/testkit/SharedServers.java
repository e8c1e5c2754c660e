package dev.trafficmanager.testkit;

import dev.trafficmanager.config.Settings;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that gives tests real servers: one Kafka broker, one PostgreSQL and one Redis
 * per test JVM, started on the first {@link TestEnvironment} a test asks for and stopped when the
 * test run ends. Each {@link TestEnvironment} parameter is a fresh, isolated slice of them, closed
 * when the test (or class, for a class-level parameter) that asked for it ends.
 *
 * <p>When {@code TM_KAFKA_BOOTSTRAP}, {@code TM_DB_URL} (with {@code TM_DB_USER} and {@code
 * TM_DB_PASSWORD}) or {@code TM_REDIS_URL} is set in the test JVM's environment, that external
 * server is used instead of an embedded one, each independently. A {@link ServerControl} parameter
 * stops and starts the embedded ones, for a test that takes a server down on purpose.
 *
 * <pre>{@code
 * @ExtendWith(SharedServers.class)
 * class CacheInvalidationTest {
 *   @Test void deactivatedRouteStopsResolving(TestEnvironment env) { ... }
 * }
 * }</pre>
 */
public final class SharedServers implements ParameterResolver {
  private static final Namespace NAMESPACE = Namespace.create(SharedServers.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == TestEnvironment.class || type == ServerControl.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    // The root store outlives every test class of the run and closes the servers at its end, so
    // no JVM-wide static is needed to share them.
    ServerSet servers =
        context
            .getRoot()
            .getStore(NAMESPACE)
            .getOrComputeIfAbsent(
                ServerSet.class,
                key -> ServerSet.start(Settings.fromEnvironment()),
                ServerSet.class);
    if (parameter.getParameter().getType() == ServerControl.class) {
      return servers.control();
    }
    TestEnvironment environment = TestEnvironment.create(servers);
    context.getStore(NAMESPACE).put(environment, environment);
    return environment;
  }
}
