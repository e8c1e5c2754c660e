package dev.trafficmanager.embedded;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/**
 * A real Redis server as a child process (the embedded-redis binary), listening on {@code
 * localhost} without a password.
 *
 * <p>Redis writes a snapshot to its data directory when it is stopped and loads it when it starts,
 * so a restart keeps the keys, as a real Redis with default persistence would.
 */
public final class EmbeddedRedisServer implements EmbeddedServer {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedRedisServer.class);

  private final WorkDirectory dataDir;
  private final int port;
  private RedisServer redis;

  /**
   * A server keeping its snapshot in {@code dataDir} (created if missing, never deleted) and
   * listening on {@code port}; 0 picks a free port now, kept across restarts.
   */
  public EmbeddedRedisServer(Path dataDir, int port) {
    this(WorkDirectory.given(dataDir), port);
  }

  private EmbeddedRedisServer(WorkDirectory dataDir, int port) {
    this.dataDir = dataDir;
    this.port = Ports.freeIfZero(port);
  }

  /**
   * A server on a free port whose data lives in a temporary directory deleted by {@link #close()}.
   */
  public static EmbeddedRedisServer temporary() {
    return new EmbeddedRedisServer(WorkDirectory.temporary("tm-redis-"), 0);
  }

  public int port() {
    return port;
  }

  public Path dataDir() {
    return dataDir.path();
  }

  /** {@code redis://localhost:<port>}, known before the server starts. */
  public String url() {
    return "redis://localhost:" + port;
  }

  @Override
  public synchronized void start() {
    if (redis != null) {
      return;
    }
    long started = System.nanoTime();
    try {
      RedisServer starting =
          RedisServer.newRedisServer()
              .port(port)
              .bind("127.0.0.1")
              .setting("dir " + dataDir.path())
              .setting("dbfilename dump.rdb")
              .build();
      starting.start();
      redis = starting;
    } catch (IOException | RuntimeException e) {
      throw new EmbeddedServerException("redis did not start on port " + port, e);
    }
    log.info(
        "redis listening url={} data_dir={} startup_ms={}",
        url(),
        dataDir.path(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  @Override
  public synchronized void stop() {
    if (redis == null) {
      return;
    }
    try {
      redis.stop();
    } catch (IOException e) {
      throw new EmbeddedServerException("redis did not stop on port " + port, e);
    } finally {
      redis = null;
    }
    log.info("redis stopped port={}", port);
  }

  @Override
  public synchronized boolean isRunning() {
    return redis != null;
  }

  @Override
  public synchronized void close() {
    stop();
    dataDir.release();
  }
}
