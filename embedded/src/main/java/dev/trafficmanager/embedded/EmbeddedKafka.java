package dev.trafficmanager.embedded;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker in this JVM: one KRaft node that is both broker and controller, with a static
 * single-voter quorum, listening on {@code localhost}.
 *
 * <p>The log directory is formatted on the first start only, so a restart over the same directory
 * keeps topics, records and committed offsets. Replication settings suit a single node (every
 * internal topic has one replica) and topics are never created automatically: the pipeline creates
 * its own. {@link #start()} returns once the broker answers an Admin request.
 */
public final class EmbeddedKafka implements EmbeddedServer {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final int NODE_ID = 1;
  private static final String CONTROLLER_LISTENER = "CONTROLLER";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final WorkDirectory logDir;
  private final int port;
  private final int controllerPort;
  private KafkaRaftServer server;

  /**
   * A broker keeping its data in {@code logDir} (created if missing, never deleted) and serving
   * clients on {@code port}; 0 picks a free port now, kept across restarts.
   */
  public EmbeddedKafka(Path logDir, int port) {
    this(WorkDirectory.given(logDir), port);
  }

  private EmbeddedKafka(WorkDirectory logDir, int port) {
    this.logDir = logDir;
    this.port = Ports.freeIfZero(port);
    this.controllerPort = Ports.freeIfZero(0);
  }

  /**
   * A broker on a free port whose data lives in a temporary directory deleted by {@link #close()}.
   */
  public static EmbeddedKafka temporary() {
    return new EmbeddedKafka(WorkDirectory.temporary("tm-kafka-"), 0);
  }

  /** {@code localhost:<port>}, known before the broker starts. */
  public String bootstrapServers() {
    return "localhost:" + port;
  }

  public int port() {
    return port;
  }

  public Path logDir() {
    return logDir.path();
  }

  @Override
  public synchronized void start() {
    if (server != null) {
      return;
    }
    long started = System.nanoTime();
    KafkaRaftServer starting = null;
    try {
      KafkaConfig config = new KafkaConfig(properties(), false);
      formatUnlessFormatted();
      starting = new KafkaRaftServer(config, Time.SYSTEM);
      starting.startup();
      awaitServing();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      EmbeddedServerException failure =
          new EmbeddedServerException("kafka did not start on " + bootstrapServers(), e);
      if (starting != null) {
        try {
          starting.shutdown();
          starting.awaitShutdown();
        } catch (RuntimeException shutdownFailure) {
          failure.addSuppressed(shutdownFailure);
        }
      }
      throw failure;
    }
    server = starting;
    log.info(
        "kafka listening bootstrap={} controller=localhost:{} log_dir={} startup_ms={}",
        bootstrapServers(),
        controllerPort,
        logDir.path(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  @Override
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    long stopping = System.nanoTime();
    server.shutdown();
    server.awaitShutdown();
    server = null;
    log.info(
        "kafka stopped bootstrap={} shutdown_ms={}",
        bootstrapServers(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping));
  }

  @Override
  public synchronized boolean isRunning() {
    return server != null;
  }

  @Override
  public synchronized void close() {
    stop();
    logDir.release();
  }

  private Map<String, String> properties() {
    Map<String, String> props = new HashMap<>();
    props.put("process.roles", "broker,controller");
    props.put("node.id", String.valueOf(NODE_ID));
    props.put("controller.quorum.voters", NODE_ID + "@localhost:" + controllerPort);
    props.put("controller.listener.names", CONTROLLER_LISTENER);
    props.put(
        "listeners",
        "PLAINTEXT://localhost:"
            + port
            + ","
            + CONTROLLER_LISTENER
            + "://localhost:"
            + controllerPort);
    props.put("advertised.listeners", "PLAINTEXT://localhost:" + port);
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("log.dirs", logDir.path().toString());
    props.put("auto.create.topics.enable", "false");
    props.put("num.partitions", "1");
    props.put("min.insync.replicas", "1");
    props.put("offsets.topic.replication.factor", "1");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("share.coordinator.state.topic.replication.factor", "1");
    props.put("share.coordinator.state.topic.min.isr", "1");
    // One node serves few groups and transactions: the defaults of 50 partitions each only make
    // the first consumer group and the first transaction slower to start.
    props.put("offsets.topic.num.partitions", "1");
    props.put("transaction.state.log.num.partitions", "1");
    props.put("group.initial.rebalance.delay.ms", "0");
    // The relay's next transaction often writes to a partition whose previous commit markers are
    // still being written; the broker holds that produce and checks again after this backoff (20
    // ms by default), which was most of a change's way to route-events. See the README's
    // "Kafka broker settings".
    props.put("add.partitions.to.txn.retry.backoff.ms", "1");
    // The log cleaner's default 128 MiB dedupe buffer is sized for production; Kafka's own test
    // brokers use 2 MiB.
    props.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
    return props;
  }

  private void formatUnlessFormatted() throws Exception {
    if (Files.exists(logDir.path().resolve("meta.properties"))) {
      return;
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    try (PrintStream printStream = new PrintStream(output, true, StandardCharsets.UTF_8)) {
      new Formatter()
          .setPrintStream(printStream)
          .setNodeId(NODE_ID)
          .setClusterId(Uuid.randomUuid().toString())
          .setControllerListenerName(CONTROLLER_LISTENER)
          .setMetadataLogDirectory(logDir.path().toString())
          .addDirectory(logDir.path().toString())
          .setWriteBootstrapSnapshot(true)
          .setIgnoreFormatted(true)
          .run();
    }
    log.debug("kafka storage formatted: {}", output.toString(StandardCharsets.UTF_8).strip());
  }

  /** Waits until the broker has joined its cluster and answers clients. */
  private void awaitServing() throws InterruptedException, TimeoutException {
    Map<String, Object> props = new HashMap<>();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "tm-embedded-kafka-ready");
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    try (Admin admin = Admin.create(props)) {
      while (System.nanoTime() < deadline) {
        try {
          if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          log.debug(
              "kafka not serving yet bootstrap={} cause={}", bootstrapServers(), e.toString());
        }
        Thread.sleep(50);
      }
    }
    throw new TimeoutException("broker not serving within " + READY_TIMEOUT);
  }
}
