package dev.trafficmanager.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {

  @Test
  void servesProduceAndConsumeAndKeepsRecordsAcrossARestartOnTheSamePort(@TempDir Path dir)
      throws Exception {
    try (EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("kafka"), 0)) {
      kafka.start();
      String bootstrap = kafka.bootstrapServers();
      createTopic(bootstrap, "greetings");
      produce(bootstrap, "greetings", "k", "hello");
      assertThat(readAll(bootstrap, "greetings")).containsExactly("hello");

      kafka.stop();
      assertThat(kafka.isRunning()).isFalse();
      kafka.start();

      assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
      produce(bootstrap, "greetings", "k", "again");
      assertThat(readAll(bootstrap, "greetings")).containsExactly("hello", "again");
    }
  }

  @Test
  void refusesToCreateTopicsAutomatically(@TempDir Path dir) throws Exception {
    try (EmbeddedKafka kafka = new EmbeddedKafka(dir, 0)) {
      kafka.start();
      try (Admin admin = admin(kafka.bootstrapServers())) {
        assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS)).isEmpty();
      }
      assertThatThrownBy(() -> produce(kafka.bootstrapServers(), "nobody-created-me", "k", "v"))
          .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
    }
  }

  @Test
  void failsNamingItsAddressWhenThePortIsTaken(@TempDir Path dir) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        EmbeddedKafka kafka = new EmbeddedKafka(dir, taken.getLocalPort())) {
      assertThatThrownBy(kafka::start)
          .isInstanceOf(EmbeddedServerException.class)
          .hasMessageContaining(kafka.bootstrapServers());
      assertThat(kafka.isRunning()).isFalse();
    }
  }

  @Test
  void temporaryBrokerDeletesItsLogDirectoryWhenClosed() {
    Path logDir;
    try (EmbeddedKafka kafka = EmbeddedKafka.temporary()) {
      kafka.start();
      logDir = kafka.logDir();
      assertThat(logDir.resolve("meta.properties")).exists();
    }
    assertThat(logDir).doesNotExist();
  }

  private static Admin admin(String bootstrap) {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }

  private static void createTopic(String bootstrap, String topic) throws Exception {
    try (Admin admin = admin(bootstrap)) {
      admin
          .createTopics(List.of(new NewTopic(topic, 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  private static void produce(String bootstrap, String topic, String key, String value)
      throws ExecutionException, InterruptedException {
    Map<String, Object> props =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.MAX_BLOCK_MS_CONFIG,
            3_000);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, key, value)).get();
    }
  }

  private static List<String> readAll(String bootstrap, String topic) {
    Map<String, Object> props =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false);
    TopicPartition partition = new TopicPartition(topic, 0);
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      consumer.assign(Set.of(partition));
      consumer.seekToBeginning(Set.of(partition));
      long end = consumer.endOffsets(Set.of(partition)).get(partition);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (consumer.position(partition) < end && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          values.add(record.value());
        }
      }
    }
    return values;
  }
}
