package dev.trafficmanager.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisLoadingException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class RedisFailuresTest {

  @Test
  void anUnreachableDisconnectedOrSlowRedisIsAnOutage() {
    assertThat(RedisFailures.isTransient(new RedisConnectionException("Connection refused")))
        .isTrue();
    assertThat(RedisFailures.isTransient(new RedisException("Currently not connected."))).isTrue();
    assertThat(RedisFailures.isTransient(new RedisCommandTimeoutException("timed out"))).isTrue();
  }

  @Test
  void aServerThatIsLoadingBusyOrOutOfMemoryIsAnOutage() {
    assertThat(RedisFailures.isTransient(new RedisLoadingException("LOADING dataset"))).isTrue();
    assertThat(RedisFailures.isTransient(new RedisBusyException("BUSY script running"))).isTrue();
    assertThat(
            RedisFailures.isTransient(
                new RedisCommandExecutionException("OOM command not allowed")))
        .isTrue();
  }

  @Test
  void anErrorReplyAboutTheCommandItselfIsNot() {
    assertThat(
            RedisFailures.isTransient(
                new RedisCommandExecutionException("ERR Error running script")))
        .isFalse();
    assertThat(RedisFailures.isTransient(new RedisCommandExecutionException("WRONGTYPE")))
        .isFalse();
    assertThat(RedisFailures.isTransient(new IllegalStateException("a bug"))).isFalse();
  }

  @Test
  void theBreakersRuleIsThisClassification() {
    assertThat(RedisFailures.OUTAGE.dependency().wireName()).isEqualTo("redis");
    assertThat(RedisFailures.OUTAGE.test(new RedisConnectionException("refused"))).isTrue();
    assertThat(RedisFailures.OUTAGE.test(new RedisCommandExecutionException("WRONGTYPE")))
        .isFalse();
  }

  @Test
  void aRefusedPasswordIsNamedFromDeepInTheConnectFailure() {
    RedisConnectionException wrong =
        new RedisConnectionException(
            "Unable to connect to localhost:6379",
            new RedisCommandExecutionException("WRONGPASS invalid username-password pair"));
    RedisConnectionException none =
        new RedisConnectionException(
            "Unable to connect to localhost:6379",
            new RedisCommandExecutionException("NOAUTH HELLO must be called with the client"));

    assertThat(RedisFailures.authenticationProblem(new CompletionException(wrong)))
        .contains("Redis refused the password of TM_REDIS_URL (WRONGPASS)");
    assertThat(RedisFailures.authenticationProblem(none))
        .contains("Redis requires a password and TM_REDIS_URL gives none (NOAUTH)");
    assertThat(RedisFailures.authenticationProblem(new RedisConnectionException("refused")))
        .isEmpty();
  }
}
