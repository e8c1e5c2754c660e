package dev.trafficmanager.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;

class KafkaFailuresTest {

  @Test
  void anUnreachableOrUnwellClusterIsAnOutage() {
    assertThat(KafkaFailures.isOutage(new NetworkException("connection reset"))).isTrue();
    assertThat(KafkaFailures.isOutage(new NotEnoughReplicasException("1 of 3 in sync"))).isTrue();
    assertThat(KafkaFailures.isOutage(new NotLeaderOrFollowerException("moved"))).isTrue();
    assertThat(
            KafkaFailures.isOutage(
                new org.apache.kafka.common.errors.TimeoutException("delivery timed out")))
        .isTrue();
  }

  @Test
  void anAcknowledgementNeverReceivedIsAnOutage() {
    assertThat(KafkaFailures.isOutage(new TimeoutException())).isTrue();
    assertThat(
            KafkaFailures.isOutage(new KafkaException("not acknowledged", new TimeoutException())))
        .isTrue();
  }

  @Test
  void aBrokenProducerIsAnOutage() {
    assertThat(KafkaFailures.isOutage(new KafkaException("producer closed"))).isTrue();
    assertThat(
            KafkaFailures.isOutage(
                new KafkaException("wrapped", new IllegalStateException("closed"))))
        .isTrue();
  }

  @Test
  void theCauseOfAProducersExecutionExceptionDecides() {
    assertThat(
            KafkaFailures.isOutage(
                new ExecutionException(new NetworkException("connection reset"))))
        .isTrue();
    assertThat(
            KafkaFailures.isOutage(
                new ExecutionException(new RecordTooLargeException("too large"))))
        .isFalse();
  }

  @Test
  void theBrokerRefusingOneRecordOrRequestIsNoOutage() {
    assertThat(KafkaFailures.isOutage(new RecordTooLargeException("too large"))).isFalse();
    assertThat(KafkaFailures.isOutage(new InvalidRecordException("bad record"))).isFalse();
    assertThat(KafkaFailures.isOutage(new AuthorizationException("denied"))).isFalse();
    assertThat(
            KafkaFailures.isOutage(
                new KafkaException("dead letter refused", new RecordTooLargeException("big"))))
        .isFalse();
  }

  @Test
  void anInterruptOrAFailureOfOurOwnIsNoOutage() {
    assertThat(KafkaFailures.isOutage(new InterruptException(new InterruptedException())))
        .isFalse();
    assertThat(KafkaFailures.isOutage(new IllegalArgumentException("a bug"))).isFalse();
  }

  @Test
  void theRuleIsKafkas() {
    assertThat(KafkaFailures.OUTAGE.dependency().wireName()).isEqualTo("kafka");
    assertThat(KafkaFailures.OUTAGE.test(new NetworkException("reset"))).isTrue();
  }
}
