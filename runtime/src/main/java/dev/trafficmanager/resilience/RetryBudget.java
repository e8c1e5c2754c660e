package dev.trafficmanager.resilience;

import dev.trafficmanager.resilience.internal.WindowedCounter;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * A retry budget with the semantics of Finagle's {@code TokenRetryBudget}: retries may add at most
 * a fixed share of the requests made recently, so that retries cannot multiply the load on a
 * dependency that is already failing.
 *
 * <ul>
 *   <li>{@link #deposit()} once per logical request (not per attempt) adds {@code percentCanRetry}
 *       percent of one retry to the balance;
 *   <li>{@link #tryWithdraw()} once per retry takes one whole retry out, or refuses (and counts the
 *       refusal) if less than one is left: the caller must then fail instead of retrying;
 *   <li>deposits and withdrawals expire after the {@code ttl} window (they count for between 90 %
 *       and 100 % of it: the window moves in tenths), so the budget reflects recent traffic only;
 *   <li>on top of that, a reserve of {@code minRetriesPerSecond × ttl} retries is always there, so
 *       a process with little traffic can still retry about {@code minRetriesPerSecond} times a
 *       second.
 * </ul>
 *
 * Over any window the retries therefore stay below {@code percentCanRetry % × requests +
 * minRetriesPerSecond × ttl}.
 *
 * <p>Thread-safe. {@link #deposit()}, on every request's path, is lock-free; {@link
 * #tryWithdraw()}, only on the failure path, serialises withdrawals so that two of them cannot both
 * take the last retry. Time comes from the {@link Clock} handed in.
 */
public final class RetryBudget {
  // Balances are kept in thousandths of a retry, so that a 20 % deposit is a whole number (200).
  private static final long UNITS_PER_RETRY = 1_000;
  private static final int SLICES = 10;

  private final long depositUnits;
  private final long reserveUnits;
  private final WindowedCounter window;
  private final Object withdrawals = new Object();
  private final LongAdder depositCount = new LongAdder();
  private final LongAdder withdrawalCount = new LongAdder();
  private final LongAdder rejectionCount = new LongAdder();

  public RetryBudget(RetryBudgetSettings settings, Clock clock) {
    Objects.requireNonNull(settings, "settings");
    this.depositUnits = UNITS_PER_RETRY * settings.percentCanRetry() / 100;
    // minRetriesPerSecond × ttl seconds × UNITS_PER_RETRY, without truncating the ttl to seconds.
    this.reserveUnits = settings.minRetriesPerSecond() * settings.ttl().toMillis();
    this.window = new WindowedCounter(settings.ttl(), SLICES, Objects.requireNonNull(clock));
  }

  /** Records one logical request: call it once per request, before or after its first attempt. */
  public void deposit() {
    if (depositUnits > 0) {
      window.add(depositUnits);
    }
    depositCount.increment();
  }

  /**
   * Asks to retry once.
   *
   * @return true if a retry was taken from the budget; false if it is exhausted, in which case the
   *     caller fails without retrying and the refusal is counted
   */
  public boolean tryWithdraw() {
    synchronized (withdrawals) {
      if (reserveUnits + window.sum() >= UNITS_PER_RETRY) {
        window.add(-UNITS_PER_RETRY);
        withdrawalCount.increment();
        return true;
      }
    }
    rejectionCount.increment();
    return false;
  }

  /** How many retries {@link #tryWithdraw()} would allow now, reserve included; never negative. */
  public long balance() {
    return Math.max(0, (reserveUnits + window.sum()) / UNITS_PER_RETRY);
  }

  /** Requests recorded since the budget was made (never expires; for metrics). */
  public long deposits() {
    return depositCount.sum();
  }

  /** Retries allowed since the budget was made. */
  public long withdrawals() {
    return withdrawalCount.sum();
  }

  /** Retries refused because the budget was exhausted, since the budget was made. */
  public long rejections() {
    return rejectionCount.sum();
  }
}
