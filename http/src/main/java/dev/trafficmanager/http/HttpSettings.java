package dev.trafficmanager.http;

import dev.trafficmanager.config.Settings;

/**
 * Where a process serves HTTP: the API its endpoints, the processor and a consumer their health and
 * metrics ({@link OpsServer}). One setting for all, so every container is probed on the same port.
 *
 * @param port the port; 0 picks any free port
 */
public record HttpSettings(int port) {
  public static final String PORT = "TM_HTTP_PORT";
  public static final int DEFAULT_PORT = 8080;

  /**
   * @throws dev.trafficmanager.config.InvalidSettingException naming {@value #PORT} unless it is a
   *     port number (0 to 65535)
   */
  public static HttpSettings from(Settings settings) {
    return new HttpSettings(settings.integer(PORT, DEFAULT_PORT, 0, 65535));
  }
}
