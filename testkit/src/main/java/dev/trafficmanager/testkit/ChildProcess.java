package dev.trafficmanager.testkit;

import dev.trafficmanager.config.Settings;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;

/**
 * An executable in a child JVM on the test's class path, as a container would run it: a real OS
 * process that a test can stop with SIGTERM, kill with SIGKILL or freeze with SIGSTOP.
 */
public final class ChildProcess {
  private ChildProcess() {}

  /**
   * Starts {@code main}'s class with {@code args}, the settings as its environment, output to log.
   */
  public static Process start(Class<?> main, Settings settings, Path log, String... args)
      throws IOException {
    String[] command = new String[4 + args.length];
    command[0] = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    command[1] = "-cp";
    command[2] = System.getProperty("java.class.path");
    command[3] = main.getName();
    System.arraycopy(args, 0, command, 4, args.length);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(settings.asMap());
    return builder.start();
  }

  /** A port that is free now, for a child that must be told where to listen. */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
