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
 * A handler's one Redis connection, used as a pipeline: a batch's commands (one per item, or one
 * per group of items) are written without waiting ({@code setAutoFlushCommands(false)}), flushed in
 * one go, and their replies awaited in order; the first item that a command failed to apply ends
 * the applied prefix. Commands after it may have run on the server (a pipeline cannot take them
 * back); the runner sends them again later, and every command sent here is idempotent by revision.
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
    return sendGroups(
        items,
        1,
        (commands, group) -> send.apply(commands, group.get(0)),
        (group, reply) -> {
          replies.replied(group.get(0), reply);
          return BatchResult.all(1);
        });
  }

  /**
   * Sends one command per group of up to {@code groupSize} consecutive items, in order, and awaits
   * every reply; a command may apply a prefix of its group only, as its reply says.
   *
   * @param send writes a group's command (without waiting) and returns its reply's future
   * @param read reads a group's reply: how much of the group was applied, and why no more
   * @return how many items, a prefix, were applied, and the failure of the first that was not
   */
  <T> BatchResult sendGroups(
      List<T> items, int groupSize, GroupSender<T> send, GroupReader<T> read) {
    BatchResult result = attempt(items, 0, groupSize, send, read);
    if (result.failure().orElse(null) instanceof RedisNoScriptException) {
      // The server forgot the scripts (SCRIPT FLUSH): connect afresh, which loads them, once.
      close();
      result = attempt(items, result.applied(), groupSize, send, read);
    }
    return result;
  }

  private <T> BatchResult attempt(
      List<T> items, int from, int groupSize, GroupSender<T> send, GroupReader<T> read) {
    StatefulRedisConnection<String, String> open;
    try {
      open = connection();
    } catch (RuntimeException e) {
      return BatchResult.failedAt(from, e);
    }
    RedisAsyncCommands<String, String> async = open.async();
    int count = (items.size() - from + groupSize - 1) / groupSize;
    List<List<T>> groups = new ArrayList<>(count);
    List<RedisFuture<?>> futures = new ArrayList<>(count);
    try {
      for (int start = from; start < items.size(); start += groupSize) {
        List<T> group = items.subList(start, Math.min(items.size(), start + groupSize));
        groups.add(group);
        futures.add(send.send(async, group));
      }
    } finally {
      open.flushCommands();
    }
    int applied = from;
    for (int i = 0; i < futures.size(); i++) {
      List<T> group = groups.get(i);
      BatchResult result;
      try {
        result = read.read(group, await(futures.get(i)));
      } catch (RuntimeException e) {
        return BatchResult.failedAt(applied, e);
      }
      if (result.failure().isPresent()) {
        return BatchResult.failedAt(applied + result.applied(), result.failure().get());
      }
      applied += group.size();
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

  /** Writes the command of a group of items, without waiting. */
  @FunctionalInterface
  interface GroupSender<T> {
    RedisFuture<?> send(RedisAsyncCommands<String, String> commands, List<T> group);
  }

  /** Reads the reply of a group's command: the prefix of the group it applied, and why no more. */
  @FunctionalInterface
  interface GroupReader<T> {
    BatchResult read(List<T> group, Object reply);
  }
}
