package dev.trafficmanager.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trafficmanager.cache.RedisSettings;
import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.database.DatabaseSettings;
import dev.trafficmanager.topic.Topic;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedServers.class)
class TestEnvironmentTest {

  @Test
  void twoEnvironmentsShareNoDatabaseTopicPrefixOrKeyPrefix(
      TestEnvironment first, TestEnvironment second) {
    assertThat(first.database().url()).isNotEqualTo(second.database().url());
    assertThat(first.kafka().topics().prefix()).isNotEqualTo(second.kafka().topics().prefix());
    assertThat(first.kafka().groupId("g")).isNotEqualTo(second.kafka().groupId("g"));
    assertThat(first.redis().keys().prefix()).isNotEqualTo(second.redis().keys().prefix());
    assertThat(first.stateDir()).isNotEqualTo(second.stateDir());

    first.jdbi().useHandle(h -> h.execute("CREATE TABLE only_in_first (id int)"));

    assertThat(tableCount(first, "only_in_first")).isEqualTo(1);
    assertThat(tableCount(second, "only_in_first")).isZero();
  }

  @Test
  void settingsNameEveryServerAndTheEnvironmentsOwnNames(TestEnvironment env) {
    Map<String, String> expected =
        Map.of(
            KafkaSettings.TOPIC_PREFIX,
            "t" + env.id() + "-",
            KafkaSettings.PARTITIONS,
            "2",
            RedisSettings.KEY_PREFIX,
            "t" + env.id() + ":",
            "TM_HTTP_PORT",
            "0",
            "TM_STREAMS_STATE_DIR",
            env.stateDir().toString());
    expected.forEach(
        (name, value) -> assertThat(env.settings().optional(name)).as(name).contains(value));
    assertThat(env.database().url()).endsWith("/tm_test_" + env.id());
    assertThat(env.settings().isSet(DatabaseSettings.USER)).isTrue();
    assertThat(env.settings().isSet(KafkaSettings.BOOTSTRAP)).isTrue();
    assertThat(env.settings().isSet(RedisSettings.URL)).isTrue();
    assertThat(env.stateDir()).isDirectory();
    assertThat(env.with(Map.of("TM_HTTP_PORT", "9999")).optional("TM_HTTP_PORT")).contains("9999");
    assertThat(env.settings().optional("TM_HTTP_PORT")).contains("0");
  }

  @Test
  void createsThePrefixedTopicsWithTwoPartitionsAndReadsThemBack(TestEnvironment env)
      throws Exception {
    env.createTopics();

    try (Admin admin = Admin.create(env.kafka().clientProperties("test-admin"))) {
      Map<String, TopicDescription> topics =
          admin.describeTopics(env.topics().names()).allTopicNames().get(30, TimeUnit.SECONDS);
      assertThat(topics.keySet()).allMatch(name -> name.startsWith("t" + env.id() + "-"));
      assertThat(topics.values()).allMatch(topic -> topic.partitions().size() == 2);
    }

    Topic<String, byte[]> dlq = env.topics().routeEventsDlq();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            env.kafka().clientProperties("test-producer"),
            dlq.keySerde().serializer(),
            dlq.valueSerde().serializer())) {
      producer.send(new ProducerRecord<>(dlq.name(), "a/b/c/d", new byte[] {1})).get();
      producer.send(new ProducerRecord<>(dlq.name(), "a/b/c/d", new byte[] {2})).get();
    }

    assertThat(env.readAll(dlq))
        .extracting(ConsumerRecord::value)
        .containsExactly(new byte[] {1}, new byte[] {2});
  }

  @Test
  void redisAnswersOnTheSharedServer(TestEnvironment env) {
    RedisClient client = env.redis().newClient();
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      String key = env.redis().keys().prefix() + "probe";
      connection.sync().set(key, "ok");
      assertThat(connection.sync().get(key)).isEqualTo("ok");
    } finally {
      client.shutdown();
    }
  }

  @Test
  void closingTheEnvironmentDropsItsDatabase(TestEnvironment env) {
    env.jdbi().useHandle(h -> h.execute("SELECT 1"));

    env.close();

    assertThatThrownBy(() -> env.jdbi().useHandle(h -> h.execute("SELECT 1")))
        .hasMessageContaining("tm_test_" + env.id());
  }

  private static int tableCount(TestEnvironment env, String table) {
    try (Handle handle = env.jdbi().open()) {
      return handle
          .createQuery("SELECT count(*) FROM information_schema.tables WHERE table_name = :t")
          .bind("t", table)
          .mapTo(Integer.class)
          .one();
    }
  }
}
