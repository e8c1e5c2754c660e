package dev.trafficmanager.app.operate.verify;

import dev.trafficmanager.app.operate.progress.Progress;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.Objects;

/** Where and how {@link Verifier} shows how far each of its phases is. */
public record ProgressSink(PrintWriter out, Progress.Style style) {
  public ProgressSink {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(style, "style");
  }

  /** Shows nothing: for callers in-process. */
  public static ProgressSink none() {
    return new ProgressSink(new PrintWriter(Writer.nullWriter()), Progress.Style.NONE);
  }

  Progress start(String label, String unit, long total) {
    return Progress.start(out, label, unit, total, style);
  }
}
