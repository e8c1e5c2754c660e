package dev.trafficmanager.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The deployment files keep their hardening: read as text, since CI has no Docker engine to run
 * them ({@code docker-compose config} checks their syntax).
 */
class DeploymentFilesTest {
  private static final Path ROOT = Path.of("..");

  @Test
  void everyServiceJvmExitsOnOutOfMemory() throws IOException {
    assertThat(Files.readString(ROOT.resolve("Dockerfile")))
        .containsPattern("ENTRYPOINT \\[\"java\", [^\\]]*\"-XX:\\+ExitOnOutOfMemoryError\"");
  }

  @Test
  void composePublishesTheApiOnLoopbackAndProtectsRedisAndPostgres() throws IOException {
    String compose = Files.readString(ROOT.resolve("docker-compose.yml"));

    assertThat(compose).contains("\"${TM_API_BIND:-127.0.0.1}:8080:8080\"");
    assertThat(compose).doesNotContain("\"8080:8080\"");
    assertThat(compose).contains("--requirepass").contains("TM_REDIS_URL: redis://:");
    assertThat(compose)
        .as("every password comes from .env, none has a default")
        .contains("${TM_DB_PASSWORD:?")
        .contains("${TM_DB_ADMIN_PASSWORD:?")
        .contains("${TM_REDIS_PASSWORD:?")
        .doesNotContainPattern("PASSWORD:-");
    assertThat(compose)
        .as("the services' role is not the superuser the image creates")
        .contains("POSTGRES_USER: postgres")
        .contains("TM_DB_USER: traffic_manager");
    assertThat(Files.readString(ROOT.resolve("deploy/postgres/10-service-role.sh")))
        .contains("CREATE ROLE traffic_manager LOGIN NOSUPERUSER");
  }

  @Test
  void theSecretsFileIsNeverCommittedAndItsExampleNamesEverySecret() throws IOException {
    String compose = Files.readString(ROOT.resolve("docker-compose.yml"));
    List<String> example = Files.readAllLines(ROOT.resolve(".env.example"));

    assertThat(Files.readAllLines(ROOT.resolve(".gitignore"))).contains(".env");
    Matcher required = Pattern.compile("\\$\\{(TM_[A-Z_]+):\\?").matcher(compose);
    List<String> names = new ArrayList<>();
    while (required.find()) {
      names.add(required.group(1));
    }
    assertThat(names).isNotEmpty();
    for (String name : names) {
      assertThat(example).as(".env.example sets " + name).anyMatch(l -> l.startsWith(name + "="));
    }
  }

  @Test
  void everyServiceOfTheImageRunsAsNonRootOnAReadOnlyRootFilesystem() throws IOException {
    String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
    String compose = Files.readString(ROOT.resolve("docker-compose.yml"));

    assertThat(dockerfile).containsPattern("(?m)^USER traffic-manager$");
    assertThat(dockerfile).contains("\"-XX:ErrorFile=/tmp/");
    assertThat(compose)
        .contains("x-read-only: &read-only\n  read_only: true\n  tmpfs:\n    - /tmp:rw,exec");
    // Every service built from the image: the shared service block, and the topics job.
    assertThat(compose).contains("x-service: &service\n  <<: *read-only\n");
    assertThat(compose).contains("  topics:\n    <<: *read-only\n");
    assertThat(compose)
        .as("the Streams state dir, the one place written outside /tmp, is a volume")
        .contains("- streams-state:/var/lib/traffic-manager/streams")
        .contains("TM_STREAMS_STATE_DIR");
    assertThat(dockerfile).contains("ENV TM_STREAMS_STATE_DIR=/var/lib/traffic-manager/streams");
  }
}
