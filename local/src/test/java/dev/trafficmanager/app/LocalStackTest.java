package dev.trafficmanager.app;

import dev.trafficmanager.config.Settings;
import dev.trafficmanager.http.HttpSettings;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code local}: the whole pipeline in one process, with servers of its own. */
class LocalStackTest {

  @Test
  void localStartsItsOwnServersAndRunsThePipeline(@TempDir Path stateDir) throws Exception {
    Settings settings =
        new Settings(
            Map.of(
                LocalStack.STATE_DIR, stateDir.toString(),
                LocalStack.KAFKA_PORT, "0",
                LocalStack.DB_PORT, "0",
                LocalStack.REDIS_PORT, "0",
                HttpSettings.PORT, "0"));
    try (LocalStack local = new LocalStack(settings)) {
      Settings effective = local.start();

      new PipelineScenario(local.httpPort(), effective).createResolveDeactivate();
    }
  }
}
