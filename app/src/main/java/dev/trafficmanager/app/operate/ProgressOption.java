package dev.trafficmanager.app.operate;

import dev.trafficmanager.app.operate.progress.Progress;
import picocli.CommandLine.Option;

/** {@code --progress}, for every command that shows how far a long job is: a picocli mixin. */
public final class ProgressOption {
  @Option(
      names = "--progress",
      paramLabel = "<style>",
      converter = ProgressStyle.class,
      defaultValue = "auto",
      description =
          "auto (a bar on a terminal, plain lines otherwise), bar, lines or none. Default: auto.")
  Progress.Style style;

  public Progress.Style style() {
    return style;
  }
}
