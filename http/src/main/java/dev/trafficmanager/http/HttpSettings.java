package dev.trafficmanager.http;

import dev.trafficmanager.config.Settings;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where a process serves HTTP: the API its endpoints, the processor and a consumer their health and
 * metrics ({@link OpsServer}). One setting for all, so every container is probed on the same port.
 *
 * @param host the address to listen on ({@value #HOST}); empty: every interface, which a container
 *     needs to be reached at all
 * @param port the port; 0 picks any free port
 * @param allowedHosts the names a request's {@code Host} may give ({@value #ALLOWED_HOSTS}, lower
 *     case, without the port); empty: any. A server on a developer's machine sets them so that a
 *     web page whose name was rebound to 127.0.0.1 (DNS rebinding) cannot talk to it.
 */
public record HttpSettings(Optional<String> host, int port, Set<String> allowedHosts) {
  public static final String HOST = "TM_HTTP_HOST";
  public static final String PORT = "TM_HTTP_PORT";
  public static final String ALLOWED_HOSTS = "TM_HTTP_ALLOWED_HOSTS";
  public static final int DEFAULT_PORT = 8080;

  public HttpSettings {
    Objects.requireNonNull(host, "host");
    allowedHosts = Set.copyOf(allowedHosts);
  }

  /**
   * @throws dev.trafficmanager.config.InvalidSettingException naming {@value #PORT} unless it is a
   *     port number (0 to 65535)
   */
  public static HttpSettings from(Settings settings) {
    String host = settings.string(HOST, "").trim();
    return new HttpSettings(
        host.isEmpty() ? Optional.empty() : Optional.of(host),
        settings.integer(PORT, DEFAULT_PORT, 0, 65535),
        Arrays.stream(settings.string(ALLOWED_HOSTS, "").split(","))
            .map(name -> name.trim().toLowerCase(Locale.ROOT))
            .filter(name -> !name.isEmpty())
            .collect(Collectors.toSet()));
  }
}
