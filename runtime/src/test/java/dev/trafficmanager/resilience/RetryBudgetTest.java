package dev.trafficmanager.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trafficmanager.time.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {
  private final MutableClock clock = new MutableClock();

  /** 20 % of requests over 10 s, plus 10 retries a second: the brief's defaults. */
  private final RetryBudget budget = new RetryBudget(RetryBudgetSettings.DEFAULTS, clock);

  @Test
  void aFreshBudgetHoldsTheFloorOfTenRetriesASecondForTheWindow() {
    assertThat(budget.balance()).isEqualTo(100);
  }

  @Test
  void allowsTwentyPercentOfRequestsPlusTheFloorAndRejectsBeyond() {
    deposit(1_000);

    assertThat(budget.balance()).isEqualTo(300);
    assertThat(withdrawUntilRefused()).isEqualTo(300);
    assertThat(budget.tryWithdraw()).isFalse();
    assertThat(budget.balance()).isZero();
    assertThat(budget.deposits()).isEqualTo(1_000);
    assertThat(budget.withdrawals()).isEqualTo(300);
    assertThat(budget.rejections()).isEqualTo(2);
  }

  @Test
  void fractionsOfARetryAddUp() {
    deposit(4);
    assertThat(budget.balance()).isEqualTo(100);

    deposit(1);
    assertThat(budget.balance()).isEqualTo(101);
  }

  @Test
  void depositedTokensExpireAfterTheWindow() {
    deposit(1_000);

    clock.advance(Duration.ofSeconds(9));
    assertThat(budget.balance()).isEqualTo(300);

    clock.advance(Duration.ofSeconds(1));
    assertThat(budget.balance()).isEqualTo(100);
  }

  @Test
  void withdrawalsExpireAfterTheWindowToo() {
    assertThat(withdrawUntilRefused()).isEqualTo(100);

    clock.advance(Duration.ofSeconds(10));

    assertThat(budget.balance()).isEqualTo(100);
  }

  @Test
  void theFloorAloneLetsTenRetriesASecondThroughWithNoTraffic() {
    long allowed = 0;
    for (int second = 0; second < 60; second++) {
      for (int i = 0; i < 50; i++) {
        if (budget.tryWithdraw()) {
          allowed++;
        }
      }
      clock.advance(Duration.ofSeconds(1));
    }

    assertThat(allowed).isEqualTo(10 * 60);
  }

  @Test
  void aBudgetWithNoShareAndNoFloorNeverRetries() {
    RetryBudget none =
        new RetryBudget(new RetryBudgetSettings(0, Duration.ofSeconds(10), 0), clock);
    for (int i = 0; i < 1_000; i++) {
      none.deposit();
    }

    assertThat(none.tryWithdraw()).isFalse();
    assertThat(none.rejections()).isEqualTo(1);
  }

  @Test
  void concurrentDepositsAreAllCounted() throws InterruptedException {
    int threads = 4;
    int perThread = 10_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread worker =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                for (int i = 0; i < perThread; i++) {
                  budget.deposit();
                }
              });
      worker.start();
      workers.add(worker);
    }
    start.countDown();
    for (Thread worker : workers) {
      worker.join();
    }

    assertThat(budget.deposits()).isEqualTo((long) threads * perThread);
    assertThat(budget.balance()).isEqualTo(100 + threads * perThread / 5);
  }

  private void deposit(int requests) {
    for (int i = 0; i < requests; i++) {
      budget.deposit();
    }
  }

  private int withdrawUntilRefused() {
    int allowed = 0;
    while (budget.tryWithdraw()) {
      allowed++;
    }
    return allowed;
  }
}
