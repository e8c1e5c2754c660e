package dev.trafficmanager.resilience.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A sum over a sliding time window (Finagle's {@code WindowedAdder}): a ring of slices, each the
 * sum of what was added during one slice of time. An amount counts for between {@code (slices-1)}
 * and {@code slices} slice lengths after it was added, then drops out.
 *
 * <p>Adding is lock-free and cheap (a clock read, an array read and a {@link LongAdder}); a slice
 * is replaced by compare-and-set when its time comes round again. An addition racing with that
 * replacement is lost only if its thread stalls for a whole window between the two steps.
 *
 * <p>Machinery of {@link dev.trafficmanager.resilience.RetryBudget}, not for other modules.
 */
public final class WindowedCounter {
  private final long sliceMillis;
  private final int slices;
  private final Clock clock;
  private final AtomicReferenceArray<Slice> ring;

  public WindowedCounter(Duration window, int slices, Clock clock) {
    this.sliceMillis = window.toMillis() / slices;
    if (sliceMillis < 1) {
      throw new IllegalArgumentException("window " + window + " is too short for " + slices);
    }
    this.slices = slices;
    this.clock = clock;
    this.ring = new AtomicReferenceArray<>(slices);
  }

  public void add(long amount) {
    long epoch = epoch();
    int index = (int) Math.floorMod(epoch, (long) slices);
    while (true) {
      Slice slice = ring.get(index);
      // A slice from a later epoch means another thread read the clock after us: close enough.
      if (slice != null && slice.epoch >= epoch) {
        slice.sum.add(amount);
        return;
      }
      Slice fresh = new Slice(epoch);
      fresh.sum.add(amount);
      if (ring.compareAndSet(index, slice, fresh)) {
        return;
      }
    }
  }

  public long sum() {
    long oldest = epoch() - slices + 1;
    long total = 0;
    for (int i = 0; i < slices; i++) {
      Slice slice = ring.get(i);
      if (slice != null && slice.epoch >= oldest) {
        total += slice.sum.sum();
      }
    }
    return total;
  }

  private long epoch() {
    return Math.floorDiv(clock.millis(), sliceMillis);
  }

  private static final class Slice {
    final long epoch;
    final LongAdder sum = new LongAdder();

    Slice(long epoch) {
      this.epoch = epoch;
    }
  }
}
