package dev.trafficmanager.app;

import dev.trafficmanager.config.Settings;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the executable's command line in-process, as an operator would, capturing its output. */
final class OperatorCli {
  private OperatorCli() {}

  record Run(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  static Run run(Settings settings, String... args) {
    return run(TrafficManager.commandLine(settings), args);
  }

  /** Runs another executable's command line: the developer's, in the local module's tests. */
  static Run run(CommandLine cli, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exitCode = cli.execute(args);
    Run run = new Run(exitCode, out.toString(), err.toString());
    // What the operator would see, in the test's log.
    System.out.println("$ traffic-manager " + String.join(" ", args) + "\n" + run);
    return run;
  }
}
