package dev.trafficmanager.api.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trafficmanager.time.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetentionSweepTest {
  private static final int BATCH = 10;
  private static final Duration INTERVAL = Duration.ofHours(1);

  private final MutableClock clock = new MutableClock();
  private final InMemoryOutbox outbox = new InMemoryOutbox(clock);
  private final RetentionSweep sweep =
      new RetentionSweep(
          new OutboxSettings(
              Duration.ofMillis(100),
              BATCH,
              Duration.ofDays(7),
              INTERVAL,
              Duration.ofSeconds(1),
              Duration.ofSeconds(1),
              Duration.ofSeconds(30),
              Duration.ofSeconds(10)),
          new RecordedPauses(clock),
          clock);

  @Test
  void deletesOldRowsInBoundedStatementsOncePerInterval() throws Exception {
    outbox.addOldPublishedRows(25);

    long first = sweep.sweepIfDue(outbox);
    outbox.addOldPublishedRows(5);
    long tooSoon = sweep.sweepIfDue(outbox);
    clock.advance(INTERVAL);
    long next = sweep.sweepIfDue(outbox);

    assertThat(first).isEqualTo(25);
    assertThat(tooSoon).isZero();
    assertThat(next).isEqualTo(5);
    assertThat(outbox.deleteStatements()).as("10 + 10 + 5, then 5").isEqualTo(4);
  }

  @Test
  void aSweepThatRunsOutOfItsTimeBudgetGoesOnAtTheNextRound() throws Exception {
    outbox.addOldPublishedRows(100);
    outbox.deleteTakes = Duration.ofMillis(400);

    long first = sweep.sweepIfDue(outbox);
    long second = sweep.sweepIfDue(outbox);

    assertThat(first).as("three statements fill the one-second budget").isEqualTo(30);
    assertThat(second).as("unfinished, so due again at once").isEqualTo(30);
    assertThat(outbox.oldPublishedRows()).isEqualTo(40);
  }

  @Test
  void aNewLeaderSweepsAtOnce() throws Exception {
    sweep.sweepIfDue(outbox);
    outbox.addOldPublishedRows(3);

    sweep.dueNow();

    assertThat(sweep.sweepIfDue(outbox)).isEqualTo(3);
  }
}
