package dev.trafficmanager.app.operate;

import dev.trafficmanager.app.operate.progress.Progress;
import picocli.CommandLine;

/** Reads {@code --progress=auto|bar|lines|none}. */
final class ProgressStyle implements CommandLine.ITypeConverter<Progress.Style> {
  @Override
  public Progress.Style convert(String value) {
    try {
      return Progress.Style.parse(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }
}
