package dev.trafficmanager.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trafficmanager.api.ApiSettings;
import dev.trafficmanager.cache.RedisSettings;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.database.DatabaseSettings;
import dev.trafficmanager.http.HttpSettings;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
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
  void localAnswersThisMachineOnlyAndItsServersNeedTheirPasswords(@TempDir Path stateDir)
      throws Exception {
    try (LocalStack local = new LocalStack(onFreePorts(stateDir))) {
      Settings effective = local.start();

      assertThat(local.httpAddress().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
      assertThat(statusWithHost(local.httpPort(), "localhost:" + local.httpPort())).isEqualTo(200);
      assertThat(statusWithHost(local.httpPort(), "rebound.example:" + local.httpPort()))
          .as("a page whose name was rebound to 127.0.0.1")
          .isEqualTo(421);

      String databaseUrl = effective.string(DatabaseSettings.URL, "");
      assertThatThrownBy(() -> DriverManager.getConnection(databaseUrl, "postgres", ""))
          .isInstanceOf(SQLException.class);
      assertThat(effective.string(RedisSettings.URL, "")).matches("redis://:[0-9a-f]+@.*");
    }
  }

  /** The status of {@code GET /health/live} sent with this {@code Host}, over a raw socket. */
  private static int statusWithHost(int port, String host) throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket
          .getOutputStream()
          .write(
              ("GET /health/live HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      String statusLine =
          new BufferedReader(
                  new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
              .readLine();
      return Integer.parseInt(statusLine.substring("HTTP/1.1 ".length(), "HTTP/1.1 ".length() + 3));
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
  static Settings onFreePorts(Path stateDir) {
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
