package dev.trafficmanager.testkit;

import dev.trafficmanager.cache.RedisSettings;
import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.database.DatabaseSettings;
import dev.trafficmanager.embedded.Directories;
import dev.trafficmanager.kafka.TopicCreator;
import dev.trafficmanager.topic.Topic;
import dev.trafficmanager.topic.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jdbi.v3.core.Jdbi;

/**
 * One test's own slice of the shared servers, handed to a test by {@link SharedServers}: a database
 * of its own ({@code tm_test_<id>}), a topic prefix ({@code t<id>-}), a Redis key prefix ({@code
 * t<id>:}) and a temporary Kafka Streams state directory. Two environments never see each other's
 * rows, records, consumer groups or keys.
 *
 * <p>{@link #settings()} is what a service under test is built from. Closing the environment (the
 * extension does it after the test) drops the database and deletes the state directory; topics and
 * keys stay behind their prefix until the servers stop.
 */
public final class TestEnvironment implements AutoCloseable {
  /** Partitions of every topic {@link #createTopics()} creates: more than one, as in production. */
  public static final int TOPIC_PARTITIONS = 2;

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(15);

  private final String id;
  private final DatabaseServer databaseServer;
  private final String databaseName;
  private final Path stateDir;
  private final Settings settings;

  private TestEnvironment(
      String id,
      DatabaseServer databaseServer,
      String databaseName,
      Path stateDir,
      Settings settings) {
    this.id = id;
    this.databaseServer = databaseServer;
    this.databaseName = databaseName;
    this.stateDir = stateDir;
    this.settings = settings;
  }

  /** Creates the environment's database and state directory on the shared servers. */
  static TestEnvironment create(ServerSet servers) {
    String id = newId();
    String databaseName = "tm_test_" + id;
    DatabaseServer databaseServer = servers.database();
    Path stateDir;
    try {
      stateDir = Files.createTempDirectory("tm-streams-" + id + "-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a Streams state directory", e);
    }
    databaseServer.create(databaseName);
    Settings settings =
        new Settings(
                Map.of(
                    DatabaseSettings.URL,
                    databaseServer.jdbcUrl(databaseName),
                    DatabaseSettings.USER,
                    databaseServer.user(),
                    DatabaseSettings.PASSWORD,
                    databaseServer.password(),
                    KafkaSettings.BOOTSTRAP,
                    servers.kafkaBootstrap(),
                    KafkaSettings.TOPIC_PREFIX,
                    "t" + id + "-",
                    KafkaSettings.PARTITIONS,
                    String.valueOf(TOPIC_PARTITIONS),
                    RedisSettings.URL,
                    servers.redisUrl(),
                    RedisSettings.KEY_PREFIX,
                    "t" + id + ":",
                    "TM_HTTP_PORT",
                    "0",
                    "TM_STREAMS_STATE_DIR",
                    stateDir.toString()))
            // Tests of everything else write to one tenant far faster than a deploy pipeline does;
            // the API's write rate limit has tests of its own, which set theirs.
            .with(Map.of("TM_WRITE_RATE_PER_TENANT", "1000000"));
    return new TestEnvironment(id, databaseServer, databaseName, stateDir, settings);
  }

  /** Eight lower-case letters and digits: valid in a database name, a topic and a Redis key. */
  private static String newId() {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder id = new StringBuilder(8);
    for (int i = 0; i < 8; i++) {
      id.append(alphabet.charAt(ThreadLocalRandom.current().nextInt(alphabet.length())));
    }
    return id.toString();
  }

  /** The unique part of every name this environment owns. */
  public String id() {
    return id;
  }

  /**
   * The settings of a service under test: TM_DB_URL/USER/PASSWORD, TM_KAFKA_BOOTSTRAP,
   * TM_TOPIC_PREFIX, TM_TOPIC_PARTITIONS, TM_REDIS_URL, TM_REDIS_KEY_PREFIX, TM_HTTP_PORT=0,
   * TM_STREAMS_STATE_DIR and TM_WRITE_RATE_PER_TENANT=1000000 (no write rate limit to speak of).
   */
  public Settings settings() {
    return settings;
  }

  /** The settings with some variables replaced or added, e.g. a short timeout for one test. */
  public Settings with(Map<String, String> overrides) {
    return settings.with(overrides);
  }

  public DatabaseSettings database() {
    return DatabaseSettings.from(settings);
  }

  public KafkaSettings kafka() {
    return KafkaSettings.from(settings);
  }

  public RedisSettings redis() {
    return RedisSettings.from(settings);
  }

  /** The prefixed topics of this environment. */
  public Topics topics() {
    return kafka().topics();
  }

  public Path stateDir() {
    return stateDir;
  }

  /** Creates every pipeline topic of this environment, one replica each, if it is missing. */
  public void createTopics() {
    new TopicCreator(kafka()).createMissing((short) 1);
  }

  /**
   * A Jdbi on this environment's database for arranging and checking rows; it opens a connection
   * per handle, without a pool.
   */
  public Jdbi jdbi() {
    DatabaseSettings database = database();
    return Jdbi.create(database.url(), database.user(), database.password());
  }

  /** What the topic holds right now, from the beginning; see {@link TopicReader}. */
  public <K, V> List<ConsumerRecord<K, V>> readAll(Topic<K, V> topic) {
    return new TopicReader(kafka(), READ_TIMEOUT).readAll(topic);
  }

  /** Writes the records and returns once Kafka acknowledged every one; see {@link TopicWriter}. */
  public List<RecordMetadata> write(List<ProducerRecord<String, byte[]>> records) {
    try (TopicWriter writer = new TopicWriter(kafka(), READ_TIMEOUT)) {
      return writer.write(records);
    }
  }

  /** Drops the database and deletes the state directory; safe to call more than once. */
  @Override
  public void close() {
    try {
      databaseServer.drop(databaseName);
    } finally {
      Directories.deleteRecursively(stateDir);
    }
  }

  @Override
  public String toString() {
    return "TestEnvironment[id=" + id + ", database=" + databaseName + "]";
  }
}
