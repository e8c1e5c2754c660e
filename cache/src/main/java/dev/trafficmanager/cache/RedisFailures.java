package dev.trafficmanager.cache;

import dev.trafficmanager.resilience.Dependency;
import dev.trafficmanager.resilience.OutageRule;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisLoadingException;
import io.lettuce.core.RedisReadOnlyException;
import java.util.List;
import java.util.Optional;

/**
 * Which Redis failures are an outage of Redis, rather than a fault of the command sent: the one
 * classification of every Redis caller (the API's resolve cache, the cache consumers), as the rule
 * of the process's {@code redis} circuit breaker.
 */
public final class RedisFailures {
  /** Redis's rule for its circuit breaker and retries. */
  public static final OutageRule OUTAGE =
      new OutageRule(Dependency.REDIS, RedisFailures::isTransient);

  // Error replies that describe the server's state, not the command: it will pass.
  private static final List<String> SERVER_STATE_ERRORS =
      List.of("MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN", "OOM");

  private RedisFailures() {}

  /**
   * Why Redis refused to let this client in, when it did: a wrong password, a missing one, or a
   * password given to a server that has none. Worded for a health page and a log line: it names the
   * setting to fix, never the password (Redis's own replies do not carry it either).
   */
  public static Optional<String> authenticationProblem(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      String message = String.valueOf(cause.getMessage());
      if (message.startsWith("WRONGPASS")) {
        return Optional.of("Redis refused the password of TM_REDIS_URL (WRONGPASS)");
      }
      if (message.startsWith("NOAUTH")) {
        return Optional.of("Redis requires a password and TM_REDIS_URL gives none (NOAUTH)");
      }
      if (message.startsWith("ERR AUTH") && message.contains("without any password configured")) {
        return Optional.of("TM_REDIS_URL gives a password but Redis has none configured");
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return Optional.empty();
  }

  /**
   * True for Redis unreachable, disconnected, timed out, loading, busy, read-only or out of memory;
   * false for an error reply about the command itself (a script error, a wrong type) and for
   * anything that is not a Redis failure.
   */
  public static boolean isTransient(Throwable failure) {
    if (failure instanceof RedisCommandExecutionException reply) {
      if (reply instanceof RedisBusyException
          || reply instanceof RedisLoadingException
          || reply instanceof RedisReadOnlyException) {
        return true;
      }
      String message = String.valueOf(reply.getMessage());
      return SERVER_STATE_ERRORS.stream().anyMatch(message::startsWith);
    }
    return failure instanceof RedisException;
  }
}
