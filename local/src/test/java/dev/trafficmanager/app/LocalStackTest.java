package dev.trafficmanager.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trafficmanager.api.ApiSettings;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.http.HttpSettings;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code local}: the whole pipeline in one process, with servers of its own. */
class LocalStackTest {

  @Test
  void localStartsItsOwnServersAndRunsThePipeline(@TempDir Path stateDir) throws Exception {
    try (LocalStack local = new LocalStack(onFreePorts(stateDir))) {
      Settings effective = local.start();

      new PipelineScenario(local.httpPort(), effective).createResolveDeactivate();
    }
  }

  @Test
  void aPortSetThatAnotherProcessHasIsOneLineNamingItAndNothingStarts(@TempDir Path stateDir)
      throws Exception {
    try (ServerSocket other = new ServerSocket(0)) {
      String taken = Integer.toString(other.getLocalPort());

      OperatorCli.Run run =
          DeveloperCli.run(
              new Settings(
                  Map.of(
                      LocalStack.STATE_DIR,
                      stateDir.toString(),
                      LocalStack.DB_PORT.variable(),
                      taken)),
              "local");

      assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
      assertThat(run.err().strip())
          .as("one line, no stack trace")
          .doesNotContain("\n")
          .contains("TM_LOCAL_DB_PORT=" + taken + " is invalid")
          .contains("another process listens on port " + taken);
      assertThat(filesUnder(stateDir)).as("what a server would have written").isEmpty();
    }
  }

  @Test
  void aBadSettingOfAServiceStopsLocalBeforeAnyServerStarts(@TempDir Path stateDir)
      throws Exception {
    OperatorCli.Run run =
        DeveloperCli.run(
            onFreePorts(stateDir).with(Map.of(ApiSettings.DRAIN_TIMEOUT, "1h")), "local");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.err().strip()).doesNotContain("\n").contains("TM_DRAIN_TIMEOUT=1h is invalid");
    assertThat(filesUnder(stateDir)).as("what a server would have written").isEmpty();
  }

  /** Settings of a local stack on ports of its choosing, keeping its data in {@code stateDir}. */
  private static Settings onFreePorts(Path stateDir) {
    return new Settings(
        Map.of(
            LocalStack.STATE_DIR,
            stateDir.toString(),
            LocalStack.KAFKA_PORT.variable(),
            "0",
            LocalStack.DB_PORT.variable(),
            "0",
            LocalStack.REDIS_PORT.variable(),
            "0",
            HttpSettings.PORT,
            "0"));
  }

  private static List<Path> filesUnder(Path dir) throws Exception {
    try (Stream<Path> paths = Files.walk(dir)) {
      return paths.filter(Files::isRegularFile).toList();
    }
  }
}
