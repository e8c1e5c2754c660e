package dev.trafficmanager.consumers.cache;

import dev.trafficmanager.consumers.runner.BatchResult;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * A handler's one Redis connection, used as a pipeline: a batch's commands are written without
 * waiting ({@code setAutoFlushCommands(false)}), flushed in one go, and their replies awaited in
 * order; the first command that failed ends the applied prefix. Commands after it may have run on
 * the server (a pipeline cannot take them back); the runner sends them again later, and every
 * command sent here is idempotent by revision.
 *
 * <p>The connection is opened on first use, and afresh when it has been lost: the consumer starts
 * while Redis is down, and the first batch after Redis is back connects at once instead of waiting
 * for the client's own reconnect, whose delay grows up to 30 s during an outage. Each new
 * connection first loads the scripts the commands call by SHA-1. One consumer thread uses it.
 */
final class RedisPipeline implements AutoCloseable {
  private final RedisClient client;
  private final Consumer<RedisCommands<String, String>> loadScripts;
  private final Duration timeout;
  private StatefulRedisConnection<String, String> connection;

  /**
   * @param loadScripts makes a freshly connected server know the scripts the commands call
   * @param timeout the longest a batch waits for a reply beyond the client's own command timeout
   */
  RedisPipeline(
      RedisClient client, Consumer<RedisCommands<String, String>> loadScripts, Duration timeout) {
    this.client = Objects.requireNonNull(client, "client");
    this.loadScripts = Objects.requireNonNull(loadScripts, "loadScripts");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * Sends one command per item, in order, and awaits every reply.
   *
   * @param send writes an item's command (without waiting) and returns its reply's future
   * @param replies receives each applied item's reply, in order, for the caller's debug log
   * @return how many items, a prefix, were applied, and the failure of the first that was not
   */
  <T> BatchResult send(
      List<T> items,
      BiFunction<RedisAsyncCommands<String, String>, T, RedisFuture<?>> send,
      ReplyListener<T> replies) {
    BatchResult result = attempt(items, 0, send, replies);
    if (result.failure().orElse(null) instanceof RedisNoScriptException) {
      // The server forgot the scripts (SCRIPT FLUSH): connect afresh, which loads them, once.
      close();
      result = attempt(items, result.applied(), send, replies);
    }
    return result;
  }

  private <T> BatchResult attempt(
      List<T> items,
      int from,
      BiFunction<RedisAsyncCommands<String, String>, T, RedisFuture<?>> send,
      ReplyListener<T> replies) {
    StatefulRedisConnection<String, String> open;
    try {
      open = connection();
    } catch (RuntimeException e) {
      return BatchResult.failedAt(from, e);
    }
    RedisAsyncCommands<String, String> async = open.async();
    List<RedisFuture<?>> futures = new ArrayList<>(items.size() - from);
    try {
      for (int i = from; i < items.size(); i++) {
        futures.add(send.apply(async, items.get(i)));
      }
    } finally {
      open.flushCommands();
    }
    for (int i = 0; i < futures.size(); i++) {
      Object reply;
      try {
        reply = await(futures.get(i));
      } catch (RuntimeException e) {
        return BatchResult.failedAt(from + i, e);
      }
      replies.replied(items.get(from + i), reply);
    }
    return BatchResult.all(items.size());
  }

  private Object await(RedisFuture<?> future) {
    try {
      // The client's command timeout fails the future first; this bound only guards against a hang.
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException runtime
          ? runtime
          : new RedisException("Redis command failed", cause);
    } catch (TimeoutException e) {
      throw new io.lettuce.core.RedisCommandTimeoutException(
          "no reply from Redis within " + timeout.toMillis() + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RedisException("interrupted while waiting for Redis", e);
    }
  }

  /**
   * @throws io.lettuce.core.RedisConnectionException if Redis cannot be reached
   */
  private StatefulRedisConnection<String, String> connection() {
    if (connection != null && !connection.isOpen()) {
      close();
    }
    if (connection == null) {
      StatefulRedisConnection<String, String> fresh = client.connect();
      try {
        loadScripts.accept(fresh.sync());
      } catch (RuntimeException e) {
        fresh.close();
        throw e;
      }
      fresh.setAutoFlushCommands(false);
      connection = fresh;
    }
    return connection;
  }

  @Override
  public void close() {
    if (connection != null) {
      connection.close();
      connection = null;
    }
  }

  /** Receives the reply of an applied item. */
  @FunctionalInterface
  interface ReplyListener<T> {
    void replied(T item, Object reply);
  }
}
