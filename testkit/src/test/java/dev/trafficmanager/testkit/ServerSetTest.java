package dev.trafficmanager.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchRuntimeException;

import dev.trafficmanager.cache.RedisSettings;
import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.database.DatabaseSettings;
import dev.trafficmanager.embedded.EmbeddedKafka;
import dev.trafficmanager.embedded.EmbeddedPostgresServer;
import dev.trafficmanager.embedded.EmbeddedRedisServer;
import dev.trafficmanager.embedded.EmbeddedServer;
import dev.trafficmanager.embedded.EmbeddedServerException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerSetTest {

  @Test
  void usesTheServersNamedInTheEnvironmentAndLeavesThemRunningWhenClosed() {
    try (EmbeddedKafka kafka = EmbeddedKafka.temporary();
        EmbeddedPostgresServer postgres = EmbeddedPostgresServer.temporary();
        EmbeddedRedisServer redis = EmbeddedRedisServer.temporary()) {
      kafka.start();
      postgres.start();
      redis.start();
      Settings environment =
          new Settings(
              Map.of(
                  KafkaSettings.BOOTSTRAP, kafka.bootstrapServers(),
                  DatabaseSettings.URL, postgres.jdbcUrl("postgres") + "?ApplicationName=ci",
                  DatabaseSettings.USER, postgres.user(),
                  DatabaseSettings.PASSWORD, postgres.password(),
                  RedisSettings.URL, redis.url()));

      String databaseUrl;
      try (ServerSet servers = ServerSet.start(environment);
          TestEnvironment env = TestEnvironment.create(servers)) {
        assertThat(env.kafka().bootstrapServers()).isEqualTo(kafka.bootstrapServers());
        assertThat(env.redis().url()).isEqualTo(redis.url());
        databaseUrl = env.database().url();
        assertThat(databaseUrl)
            .isEqualTo(postgres.jdbcUrl("tm_test_" + env.id()) + "?ApplicationName=ci");
        env.createTopics();
        Integer one = env.jdbi().withHandle(h -> h.select("SELECT 1").mapTo(Integer.class).one());
        assertThat(one).isEqualTo(1);
      }

      assertThat(kafka.isRunning()).isTrue();
      assertThat(postgres.isRunning()).isTrue();
      assertThat(redis.isRunning()).isTrue();
      assertThat(
              new DatabaseServer(postgres.jdbcUrl("postgres"), postgres.user(), postgres.password())
                  .exists(databaseUrl.replaceFirst(".*/(tm_test_[a-z0-9]+).*", "$1")))
          .as("database dropped when its environment closed")
          .isFalse();
    }
  }

  @Test
  void aServerThatFailsToStartClosesEveryOtherEvenWhenOneOfThemFailsToClose() {
    FakeServer failsToStart = new FakeServer(true, false);
    FakeServer failsToClose = new FakeServer(false, true);
    FakeServer healthy = new FakeServer(false, false);

    RuntimeException thrown =
        catchRuntimeException(
            () -> ServerSet.startAll(List.of(healthy, failsToClose, failsToStart)));

    assertThat(thrown)
        .hasMessage("did not start")
        .hasSuppressedException(failsToClose.closeFailure);
    assertThat(List.of(failsToStart, failsToClose, healthy)).allMatch(server -> server.closed);
  }

  /** A server that may fail to start or to close; it records that it was closed either way. */
  private static final class FakeServer implements EmbeddedServer {
    final EmbeddedServerException closeFailure = new EmbeddedServerException("did not stop", null);

    private final boolean failStart;
    private final boolean failClose;
    private volatile boolean running;
    private volatile boolean closed;

    FakeServer(boolean failStart, boolean failClose) {
      this.failStart = failStart;
      this.failClose = failClose;
    }

    @Override
    public void start() {
      if (failStart) {
        throw new EmbeddedServerException("did not start", null);
      }
      running = true;
    }

    @Override
    public void stop() {
      running = false;
    }

    @Override
    public boolean isRunning() {
      return running;
    }

    @Override
    public void close() {
      stop();
      closed = true;
      if (failClose) {
        throw closeFailure;
      }
    }
  }
}
