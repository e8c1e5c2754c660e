package dev.trafficmanager.embedded;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/**
 * A real Redis server as a child process (the embedded-redis binary), listening on {@code
 * 127.0.0.1} and requiring a password ({@link ServerPassword}, kept beside the data directory).
 *
 * <p>The binary is the newest the embedded-redis package ships for Linux x86-64, Redis 6.2.6, which
 * is past its end of life; the README lists the advisories that remain and why they matter little
 * for a developer's loopback-only, password-protected server. Point {@code TM_REDIS_URL} at a
 * current Redis to avoid them.
 *
 * <p>Redis writes a snapshot to its data directory when it is stopped and loads it when it starts,
 * so a restart keeps the keys, as a real Redis with default persistence would.
 */
public final class EmbeddedRedisServer implements EmbeddedServer {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedRedisServer.class);

  /**
   * embedded-redis writes its binary out before each start. A process forked meanwhile by another
   * thread of this JVM (another embedded server starting) inherits the open file, and the exec then
   * fails with ETXTBSY until that process has exec'd in turn: a moment later it succeeds.
   */
  private static final int MAX_ATTEMPTS = 3;

  private final WorkDirectory dataDir;
  private final int port;
  private final ServerPassword password;
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
    this.password = ServerPassword.forDataDir(dataDir.path());
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

  /**
   * {@code redis://:<password>@localhost:<port>}, known before the server starts: a secret, never
   * to be logged ({@link #address()} is).
   */
  public String url() {
    return "redis://:" + password.value() + "@localhost:" + port;
  }

  /** {@code localhost:<port>}, for logs. */
  public String address() {
    return "localhost:" + port;
  }

  @Override
  public synchronized void start() {
    if (redis != null) {
      return;
    }
    long started = System.nanoTime();
    password.keep();
    for (int attempt = 1; redis == null; attempt++) {
      try {
        RedisServer starting =
            RedisServer.newRedisServer()
                .port(port)
                .bind("127.0.0.1")
                .setting("dir " + dataDir.path())
                .setting("dbfilename dump.rdb")
                .setting("requirepass " + password.value())
                .build();
        starting.start();
        redis = starting;
      } catch (IOException | RuntimeException e) {
        if (attempt < MAX_ATTEMPTS && isTextFileBusy(e)) {
          log.debug("redis binary busy, starting it again attempt={}", attempt, e);
          pause(Duration.ofMillis(100L * attempt));
          continue;
        }
        throw new EmbeddedServerException("redis did not start on port " + port, e);
      }
    }
    log.info(
        "redis listening address={} data_dir={} startup_ms={}",
        address(),
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

  private void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedServerException("redis did not start on port " + port, e);
    }
  }

  private static boolean isTextFileBusy(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause.getMessage() != null && cause.getMessage().contains("error=26")) {
        return true;
      }
    }
    return false;
  }
}
