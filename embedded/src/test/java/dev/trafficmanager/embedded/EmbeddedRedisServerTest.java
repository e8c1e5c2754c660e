package dev.trafficmanager.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedRedisServerTest {

  @Test
  void refusesCommandsWithoutThePassword(@TempDir Path dir) {
    try (EmbeddedRedisServer redis = new EmbeddedRedisServer(dir.resolve("redis"), 0)) {
      redis.start();
      RedisClient client = RedisClient.create("redis://" + redis.address());
      try {
        assertThatThrownBy(client::connect)
            .isInstanceOf(RedisConnectionException.class)
            .hasRootCauseInstanceOf(RedisCommandExecutionException.class)
            .rootCause()
            .hasMessageContaining("NOAUTH");
      } finally {
        client.shutdown();
      }
    }
  }

  @Test
  void answersSetAndGetAndKeepsKeysAcrossARestartOnTheSamePort(@TempDir Path dir) {
    try (EmbeddedRedisServer redis = new EmbeddedRedisServer(dir, 0)) {
      redis.start();
      String url = redis.url();
      RedisClient client = RedisClient.create(url);
      try {
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
          connection.sync().set("greeting", "hello");
          assertThat(connection.sync().get("greeting")).isEqualTo("hello");
        }

        redis.stop();
        assertThatThrownBy(client::connect).isInstanceOf(RedisConnectionException.class);
        redis.start();

        assertThat(redis.url()).isEqualTo(url);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
          assertThat(connection.sync().get("greeting")).isEqualTo("hello");
        }
      } finally {
        client.shutdown();
      }
    }
  }

  @Test
  void temporaryServerDeletesItsDataWhenClosed() {
    EmbeddedRedisServer redis = EmbeddedRedisServer.temporary();
    redis.start();
    redis.close();

    assertThat(redis.isRunning()).isFalse();
    assertThat(redis.dataDir()).doesNotExist();
  }
}
