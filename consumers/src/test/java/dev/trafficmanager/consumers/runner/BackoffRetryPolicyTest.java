package dev.trafficmanager.consumers.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class BackoffRetryPolicyTest {
  private static final ConsumerRecord<String, byte[]> RECORD =
      new ConsumerRecord<>("route-changes", 0, 7, "acme/billing/prod/v1", new byte[] {1});

  private final BackoffRetryPolicy policy =
      new BackoffRetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(1));

  @Test
  void backoffDoublesWithEachAttemptUpToTheMaximum() {
    assertThat(policy.backoff(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(policy.backoff(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(policy.backoff(4)).isEqualTo(Duration.ofMillis(800));
    assertThat(policy.backoff(5)).isEqualTo(Duration.ofSeconds(1));
    assertThat(policy.backoff(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void retriesAHandlerFailureHoweverOftenItFailed() {
    assertThat(policy.onFailure(RECORD, new IllegalStateException("Redis is down"), 1000))
        .isEqualTo(new FailurePolicy.Retry(Duration.ofSeconds(1)));
  }

  @Test
  void skipsAnUnreadableRecordAtOnce() {
    assertThat(policy.onFailure(RECORD, new UnreadableRecordException("not json", null), 1))
        .isInstanceOf(FailurePolicy.Skip.class);
  }

  @Test
  void refusesAMaximumBelowTheInitialBackoff() {
    assertThatThrownBy(() -> new BackoffRetryPolicy(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
