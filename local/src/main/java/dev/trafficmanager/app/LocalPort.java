package dev.trafficmanager.app;

import dev.trafficmanager.config.InvalidSettingException;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.embedded.Ports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A port {@code local} listens on, chosen before any server starts. A developer's machine often
 * runs its own PostgreSQL, Redis or Kafka on the default port: then {@code local} listens on a free
 * port instead and says so. A port the developer set is theirs: if another process has it, that is
 * their mistake to fix, named in one line.
 *
 * @param variable the setting that chooses the port; 0 asks for any free port
 * @param defaultPort the port when the variable is not set, unless another process has it
 * @param server what listens there, for the messages
 */
record LocalPort(String variable, int defaultPort, String server) {
  private static final Logger log = LoggerFactory.getLogger(LocalPort.class);

  /**
   * The port to listen on: the variable's if set (a free one for 0), otherwise the default, or a
   * free one when another process listens on the default. The port is only known to be free now: a
   * process that takes it before the server starts makes the server fail to start.
   *
   * @throws InvalidSettingException naming the variable when it is not a port number, or when
   *     another process listens on the port it sets
   */
  int choose(Settings settings) {
    if (settings.isSet(variable)) {
      int port = settings.integer(variable, defaultPort, 0, 65_535);
      if (port != 0 && Ports.inUse(port)) {
        throw new InvalidSettingException(
            variable,
            Integer.toString(port),
            "another process listens on port "
                + port
                + "; set a free port, or unset "
                + variable
                + " and local picks one");
      }
      return Ports.freeIfZero(port);
    }
    if (!Ports.inUse(defaultPort)) {
      return defaultPort;
    }
    int free = Ports.freeIfZero(0);
    log.info(
        "{} listens on port {}: another process has its default port {} ({} chooses one)",
        server,
        free,
        defaultPort,
        variable);
    return free;
  }
}
