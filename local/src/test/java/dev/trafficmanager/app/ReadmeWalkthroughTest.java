package dev.trafficmanager.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trafficmanager.config.Settings;
import dev.trafficmanager.database.DatabaseSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Sixty seconds with curl", run as written (with bash and curl) against {@code
 * local}, with the admin token {@code local} made on its first start: what a new user does first
 * must work with authentication on.
 */
class ReadmeWalkthroughTest {
  private static final Path README = Path.of("..", "README.md");
  private static final Pattern BLOCK = Pattern.compile("(?s)```bash\n(.*?)```");
  private static final Pattern STATUS = Pattern.compile("status=(\\d{3})");

  @Test
  void theCurlWalkthroughWorksWithTheAdminTokenLocalMade(@TempDir Path stateDir) throws Exception {
    try (LocalStack local = new LocalStack(LocalStackTest.onFreePorts(stateDir))) {
      Settings effective = local.start();
      Path tokenFile = stateDir.resolve(LocalAdminToken.FILE);
      assertThat(Files.getPosixFilePermissions(tokenFile))
          .containsExactlyInAnyOrder(
              PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
      String token = Files.readString(tokenFile, StandardCharsets.US_ASCII).strip();
      // The next start keeps the token that still works.
      LocalAdminToken.ensure(stateDir, DatabaseSettings.from(effective));
      assertThat(Files.readString(tokenFile, StandardCharsets.US_ASCII).strip()).isEqualTo(token);

      String script =
          walkthrough()
              .replace("localhost:8080", "localhost:" + local.httpPort())
              .replace(".traffic-manager/admin-token", tokenFile.toString())
              // Each answer's status after its body, to check them below.
              .replace("curl -s ", "curl -s -w ' status=%{http_code}\\n' ");
      Process bash =
          new ProcessBuilder("bash", "-euo", "pipefail", "-c", script)
              .redirectErrorStream(true)
              .start();
      String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(bash.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(bash.exitValue()).as(output).isZero();

      List<String> statuses = STATUS.matcher(output).results().map(m -> m.group(1)).toList();
      assertThat(statuses).as(output).hasSize(18);
      assertThat(statuses.get(0)).as("create").isEqualTo("201");
      assertThat(statuses.get(1)).as("resolve").isEqualTo("200");
      assertThat(statuses.subList(4, 8)).as("change URL, activate, get, list").containsOnly("200");
      assertThat(statuses.get(8)).as("bad input").isEqualTo("400");
      assertThat(statuses.get(9)).as("deploy-bot deactivates acme's route").isEqualTo("200");
      assertThat(statuses.get(10)).as("deploy-bot writes to globex").isEqualTo("403");
      assertThat(statuses.subList(11, 18)).as("the audit queries").containsOnly("200");
      assertThat(output).doesNotContain(token);

      // The audit API shows who made each change: the token's name.
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest history =
          HttpRequest.newBuilder(
                  URI.create(
                      "http://localhost:"
                          + local.httpPort()
                          + "/api/v1/audit/route?tenant=acme&service=checkout&env=prod&version=v1"))
              .header("Authorization", "Bearer " + token)
              .build();
      await("deploy-bot's change in the audit log")
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> http.send(history, HttpResponse.BodyHandlers.ofString()).body(),
              body -> body.contains("\"actor\":\"deploy-bot\""));
      assertThat(http.send(history, HttpResponse.BodyHandlers.ofString()).body())
          .contains("\"actor\":\"local-admin\"");
    }
  }

  /** The bash blocks of the README's section "Sixty seconds with curl", in order. */
  private static String walkthrough() throws Exception {
    String readme = Files.readString(README, StandardCharsets.UTF_8);
    int start = readme.indexOf("## Sixty seconds with curl");
    int end = readme.indexOf("\n## ", start + 1);
    StringBuilder script = new StringBuilder();
    Matcher block = BLOCK.matcher(readme.substring(start, end));
    while (block.find()) {
      script.append(block.group(1));
    }
    return script.toString();
  }
}
