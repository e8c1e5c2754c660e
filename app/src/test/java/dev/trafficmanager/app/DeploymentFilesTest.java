package dev.trafficmanager.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        .as("the services' role is not the superuser the image creates")
        .contains("POSTGRES_USER: postgres")
        .contains("TM_DB_USER: traffic_manager");
    assertThat(Files.readString(ROOT.resolve("deploy/postgres/10-service-role.sh")))
        .contains("CREATE ROLE traffic_manager LOGIN NOSUPERUSER");
  }
}
