package dev.trafficmanager.api.outbox;

import dev.trafficmanager.time.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Pauses that return at once, each recorded and moving the test's clock. */
final class RecordedPauses implements Pauses {
  private final MutableClock clock;
  private final List<Duration> recorded = new ArrayList<>();

  /** When the relay is asked to stop: checked each time the relay asks. */
  BooleanSupplier stopWhen = () -> false;

  RecordedPauses(MutableClock clock) {
    this.clock = clock;
  }

  List<Duration> recorded() {
    return List.copyOf(recorded);
  }

  @Override
  public boolean stopping() {
    return stopWhen.getAsBoolean();
  }

  @Override
  public void pause(Duration duration) {
    recorded.add(duration);
    clock.advance(duration);
  }
}
