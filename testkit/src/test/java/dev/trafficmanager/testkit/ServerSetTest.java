package dev.trafficmanager.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trafficmanager.config.DatabaseSettings;
import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.config.RedisSettings;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.embedded.EmbeddedKafka;
import dev.trafficmanager.embedded.EmbeddedPostgresServer;
import dev.trafficmanager.embedded.EmbeddedRedisServer;
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
      assertThat(new DatabaseServer(postgres.jdbcUrl("postgres"), postgres.user(), "")
              .exists(databaseUrl.replaceFirst(".*/(tm_test_[a-z0-9]+).*", "$1")))
          .as("database dropped when its environment closed")
          .isFalse();
    }
  }
}
