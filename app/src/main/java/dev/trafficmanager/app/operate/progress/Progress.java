package dev.trafficmanager.app.operate.progress;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Shows how far a long job is: count done (of the total, when known), rate per second and ETA.
 *
 * <p>Three styles. {@link Style#BAR} redraws one line in place with {@code \r}, for a person at a
 * terminal; {@link Style#LINES} prints a plain line every {@code lineInterval}, for logs and pipes
 * where a carriage return would turn into garbage; {@link Style#NONE} prints nothing. {@link
 * #finish()} prints the final state once in every style but NONE.
 *
 * <p>{@link #update(long)} is cheap and may be called for every record: it draws only when the
 * style's interval has passed. Not thread-safe: one job thread updates it.
 *
 * <p>It writes to a {@link PrintWriter} rather than a {@code PrintStream} because that is what
 * picocli hands a command ({@code CommandLine#getOut()}), which is also how tests capture it.
 */
public final class Progress {
  /** How progress is shown. */
  public enum Style {
    BAR,
    LINES,
    NONE;

    /**
     * {@code auto} (a bar on a terminal, lines otherwise), {@code bar}, {@code lines}, {@code
     * none}.
     */
    // On Java 17, the release this is built for, console() is null unless on a terminal.
    @SuppressWarnings("SystemConsoleNull")
    public static Style parse(String value) {
      return switch (value.strip().toLowerCase(Locale.ROOT)) {
        case "auto" -> System.console() != null ? BAR : LINES;
        case "bar" -> BAR;
        case "lines" -> LINES;
        case "none" -> NONE;
        default ->
            throw new IllegalArgumentException(
                "'" + value + "' is not a progress style: expected auto, bar, lines or none");
      };
    }
  }

  /** The interval between plain lines when none is given. */
  public static final Duration DEFAULT_LINE_INTERVAL = Duration.ofSeconds(5);

  // Often enough to look live, rarely enough that drawing costs nothing next to the job.
  private static final long BAR_REDRAW_NANOS = Duration.ofMillis(200).toNanos();
  private static final int BAR_WIDTH = 30;

  private final PrintWriter out;
  private final String label;
  private final String unit;
  private final long total;
  private final Style style;
  private final LongSupplier nanoTime;
  private final long intervalNanos;
  private final long startNanos;
  private long lastDrawNanos;
  private long done;
  private int lastBarLength;
  private boolean finished;

  /**
   * @param label what the job is ({@code republish}), first on every plain line
   * @param unit what is counted, plural ({@code events})
   * @param total how many there are in all, or -1 when unknown (no percentage, no ETA)
   * @param nanoTime the clock, {@link System#nanoTime()} outside tests
   */
  public Progress(
      PrintWriter out,
      String label,
      String unit,
      long total,
      Style style,
      Duration lineInterval,
      LongSupplier nanoTime) {
    this.out = Objects.requireNonNull(out, "out");
    this.label = Objects.requireNonNull(label, "label");
    this.unit = Objects.requireNonNull(unit, "unit");
    this.total = total;
    this.style = Objects.requireNonNull(style, "style");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.intervalNanos = style == Style.BAR ? BAR_REDRAW_NANOS : lineInterval.toNanos();
    this.startNanos = nanoTime.getAsLong();
    this.lastDrawNanos = startNanos;
  }

  /** Progress on the system clock, plain lines every {@link #DEFAULT_LINE_INTERVAL}. */
  public static Progress start(
      PrintWriter out, String label, String unit, long total, Style style) {
    return new Progress(out, label, unit, total, style, DEFAULT_LINE_INTERVAL, System::nanoTime);
  }

  /**
   * Sets the count done so far and draws if the style's interval has passed since the last draw.
   */
  public void update(long doneSoFar) {
    done = doneSoFar;
    if (style == Style.NONE || finished) {
      return;
    }
    long now = nanoTime.getAsLong();
    if (now - lastDrawNanos >= intervalNanos) {
      lastDrawNanos = now;
      draw(now);
    }
  }

  /** Draws the final state (and ends the bar's line); later calls do nothing. */
  public void finish() {
    if (finished) {
      return;
    }
    finished = true;
    if (style == Style.NONE) {
      return;
    }
    draw(nanoTime.getAsLong());
    if (style == Style.BAR) {
      out.println();
    }
    out.flush();
  }

  public long done() {
    return done;
  }

  /** The average rate since the start, per second; 0 before any time has passed. */
  public double ratePerSecond() {
    return rate(nanoTime.getAsLong());
  }

  private double rate(long now) {
    long elapsed = now - startNanos;
    return elapsed <= 0 ? 0 : done * 1e9 / elapsed;
  }

  private void draw(long now) {
    String status = status(now);
    if (style == Style.BAR) {
      String line = bar() + " " + status;
      // Spaces over what a longer previous line left behind, since \r does not clear the line.
      int padding = Math.max(0, lastBarLength - line.length());
      out.print("\r" + line + " ".repeat(padding));
      lastBarLength = line.length();
    } else {
      out.println(label + ": " + status);
    }
    out.flush();
  }

  private String bar() {
    if (total <= 0) {
      return "[" + "?".repeat(BAR_WIDTH) + "]";
    }
    int filled = (int) Math.min(BAR_WIDTH, done * BAR_WIDTH / total);
    return "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "]";
  }

  /** {@code 4500/10000 events (45%), 1234 events/s, ETA 0:05}; without a total, no % and ETA. */
  String status(long now) {
    double rate = rate(now);
    StringBuilder status = new StringBuilder();
    status.append(done);
    if (total >= 0) {
      status.append('/').append(total);
    }
    status.append(' ').append(unit);
    if (total > 0) {
      status.append(" (").append(Math.min(100, done * 100 / total)).append("%)");
    }
    status.append(", ").append(String.format(Locale.ROOT, "%.0f", rate)).append(' ').append(unit);
    status.append("/s");
    if (total >= 0) {
      long left = Math.max(0, total - done);
      status.append(", ETA ");
      if (left == 0) {
        status.append("0:00");
      } else if (rate <= 0) {
        status.append("unknown");
      } else {
        status.append(clock(Duration.ofSeconds((long) Math.ceil(left / rate))));
      }
    }
    return status.toString();
  }

  /** {@code m:ss}, or {@code h:mm:ss} from an hour on. */
  static String clock(Duration duration) {
    long seconds = duration.toSeconds();
    long hours = seconds / 3600;
    long minutes = (seconds % 3600) / 60;
    long secs = seconds % 60;
    return hours > 0
        ? String.format(Locale.ROOT, "%d:%02d:%02d", hours, minutes, secs)
        : String.format(Locale.ROOT, "%d:%02d", minutes, secs);
  }
}
