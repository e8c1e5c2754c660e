package dev.trafficmanager.app.bench;

import java.util.Locale;
import picocli.CommandLine;

/**
 * What {@code --scenario} runs: {@code writes}, {@code resolve} and {@code all} (both) after the
 * create phase with a closed loop of threads; {@code latency} after the create phase at a fixed
 * rate; {@code drain} and {@code replay} without the API's write path; {@code watch} holds blocking
 * queries while it writes ({@link WatchBench}); {@code client} follows the run's tenant with a Java
 * client while it writes ({@link ClientBench}).
 */
enum Workload {
  WRITES(true, false),
  RESOLVE(false, true),
  ALL(true, true),
  LATENCY(false, false),
  DRAIN(false, false),
  REPLAY(false, false),
  WATCH(false, false),
  CLIENT(false, false);

  private final boolean writes;
  private final boolean resolve;

  Workload(boolean writes, boolean resolve) {
    this.writes = writes;
    this.resolve = resolve;
  }

  boolean writes() {
    return writes;
  }

  boolean resolve() {
    return resolve;
  }

  /** As written on the command line: {@code writes}, {@code resolve}, {@code all}. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Reads {@code --scenario=writes|resolve|all|latency|drain|replay|watch|client}. */
  static final class Converter implements CommandLine.ITypeConverter<Workload> {
    @Override
    public Workload convert(String value) {
      for (Workload workload : values()) {
        if (workload.toString().equals(value.strip().toLowerCase(Locale.ROOT))) {
          return workload;
        }
      }
      throw new CommandLine.TypeConversionException(
          "'"
              + value
              + "' is not a scenario: expected writes, resolve, all, latency, drain, replay, watch or"
              + " client");
    }
  }
}
