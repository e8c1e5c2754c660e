package dev.trafficmanager.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class DrainingTest {
  private final Draining draining = new Draining();

  @Test
  void requestsAreCountedWhileInFlight() {
    Draining.InFlight first = draining.enter();
    try (Draining.InFlight second = draining.enter()) {
      assertThat(draining.inFlight()).isEqualTo(2);
    }
    assertThat(draining.inFlight()).isEqualTo(1);

    first.close();
    first.close();

    assertThat(draining.inFlight()).isZero();
  }

  @Test
  void drainingIsOffUntilStartedAndStaysOn() {
    assertThat(draining.isDraining()).isFalse();

    draining.startDraining();
    draining.startDraining();

    assertThat(draining.isDraining()).isTrue();
  }

  @Test
  void awaitIdleReturnsAtOnceWhenNothingIsInFlight() throws InterruptedException {
    assertThat(draining.awaitIdle(Duration.ZERO)).isTrue();
  }

  @Test
  void awaitIdleGivesUpWhileARequestIsStillInFlight() throws InterruptedException {
    try (Draining.InFlight request = draining.enter()) {
      assertThat(draining.awaitIdle(Duration.ZERO)).isFalse();
    }
  }

  @Test
  void awaitIdleReturnsWhenTheLastRequestFinishes() throws InterruptedException {
    Draining.InFlight request = draining.enter();
    CountDownLatch waiting = new CountDownLatch(1);
    Thread finisher =
        new Thread(
            () -> {
              try {
                waiting.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              request.close();
            });
    finisher.start();
    draining.startDraining();

    waiting.countDown();
    boolean idle = draining.awaitIdle(Duration.ofSeconds(30));

    finisher.join();
    assertThat(idle).isTrue();
    assertThat(draining.inFlight()).isZero();
  }
}
