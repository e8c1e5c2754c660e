package dev.trafficmanager.processor;

import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.streams.errors.MissingSourceTopicException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

class ThreadFailurePolicyTest {
  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-11-26T19:30:00Z"));
  private final ThreadFailurePolicy policy =
      new ThreadFailurePolicy(3, Duration.ofMinutes(5), now::get);

  @Test
  void aMissingSourceTopicShutsTheClientDownInsteadOfReplacingTheThread() {
    assertThat(policy.handle(new MissingSourceTopicException("route-events is missing")))
        .isEqualTo(SHUTDOWN_CLIENT);
  }

  @Test
  void aFatalCauseWrappedByStreamsShutsTheClientDown() {
    assertThat(policy.handle(new StreamsException(new TopicAuthorizationException("denied"))))
        .isEqualTo(SHUTDOWN_CLIENT);
    assertThat(policy.handle(new StreamsException(new OutOfMemoryError())))
        .isEqualTo(SHUTDOWN_CLIENT);
  }

  @Test
  void anOrdinaryFailureReplacesTheThread() {
    assertThat(policy.handle(new StreamsException("broker went away"))).isEqualTo(REPLACE_THREAD);
  }

  @Test
  void failuresBeyondTheBudgetWithinTheWindowShutTheClientDown() {
    for (int i = 0; i < 3; i++) {
      assertThat(policy.handle(new IllegalStateException("poison"))).isEqualTo(REPLACE_THREAD);
      now.set(now.get().plusSeconds(10));
    }

    assertThat(policy.handle(new IllegalStateException("poison"))).isEqualTo(SHUTDOWN_CLIENT);
  }

  @Test
  void failuresOlderThanTheWindowAreForgotten() {
    for (int i = 0; i < 3; i++) {
      policy.handle(new IllegalStateException("transient"));
    }
    now.set(now.get().plus(Duration.ofMinutes(6)));

    assertThat(policy.handle(new IllegalStateException("transient"))).isEqualTo(REPLACE_THREAD);
  }
}
