package dev.trafficmanager.api.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trafficmanager.resilience.BreakerSettings;
import dev.trafficmanager.resilience.Dependency;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The relay behind Kafka's circuit breaker, and what it does when it is closed. */
@ExtendWith(SharedServers.class)
class OutboxRelayCircuitTest {
  private static final Duration BOUND = Duration.ofSeconds(30);
  private static final String BILLING = "acme/billing/prod/v1";

  private RelayFixture fixture;

  @AfterEach
  void closeRelays() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void rowsWaitWhileKafkasCircuitIsOpenAndGoOutOnceItLetsAProbeThrough(TestEnvironment env)
      throws Exception {
    fixture = new RelayFixture(env.settings(), Map.of(BreakerSettings.KAFKA_OPEN_WAIT, "8s"));
    env.createTopics();
    OutboxTable outbox = fixture.migratedOutbox();
    CircuitBreaker breaker = fixture.circuits().breaker(Dependency.KAFKA);
    OutboxRelay relay = fixture.started();
    await("the relay leads").atMost(BOUND).until(relay::isLeader);

    breaker.transitionToOpenState();
    long id = outbox.insert(BILLING, 1);

    await("the row waits while the circuit is open")
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> !outbox.isPublished(id));
    await("published once the circuit lets a probe through")
        .atMost(BOUND)
        .until(() -> outbox.isPublished(id));
    await("idle probes close the circuit")
        .atMost(BOUND)
        .until(() -> breaker.getState() == CircuitBreaker.State.CLOSED);
    assertThat(fixture.meters().get(OutageReport.PUBLISHED).counter().count()).isEqualTo(1);
    assertThat(RelayFixture.revisions(fixture.events(), BILLING)).containsExactly(1L);
  }

  @Test
  void closePublishesWhatIsStillPending(TestEnvironment env) throws Exception {
    // Polls so rarely that only a NOTIFY or the flush on close can publish a row.
    fixture =
        new RelayFixture(
            env.settings(),
            Map.of(OutboxSettings.POLL_INTERVAL, "1h", OutboxSettings.MAX_BACKOFF, "1h"));
    env.createTopics();
    OutboxTable outbox = fixture.migratedOutbox();
    OutboxRelay relay = fixture.started();
    await("the relay leads").atMost(BOUND).until(relay::isLeader);
    long id = outbox.insertWithoutNotify(BILLING, 1);
    await("the row waits for the next poll")
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> !outbox.isPublished(id));

    relay.close();

    assertThat(outbox.isPublished(id)).isTrue();
    assertThat(relay.isLeader()).isFalse();
  }
}
