package dev.trafficmanager.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * Kafka client settings an operator passes through to every client (producer, consumer, admin,
 * Streams), for what this project has no setting of its own: TLS, SASL, timeouts. Read from a Java
 * properties file ({@value #PROPERTIES_FILE}), then from variables named {@value #PREFIX} followed
 * by the property's name in upper case with dots as underscores ({@code
 * TM_KAFKA_CLIENT_SECURITY_PROTOCOL=SASL_SSL} is {@code security.protocol}), which win over the
 * file.
 *
 * <p>The values may be secrets ({@code sasl.jaas.config}, {@code ssl.keystore.password}): they are
 * never part of a message or {@code toString}; Kafka's own config log masks them.
 */
final class KafkaClientConfig {
  static final String PROPERTIES_FILE = "TM_KAFKA_PROPERTIES_FILE";
  static final String PREFIX = "TM_KAFKA_CLIENT_";

  // Each has a setting of its own, or is chosen per client by the service.
  private static final Set<String> RESERVED = Set.of("bootstrap.servers", "client.id");

  private KafkaClientConfig() {}

  /**
   * @throws InvalidSettingException naming {@value #PROPERTIES_FILE} when its file cannot be read,
   *     or the variable that sets a property this project sets itself
   */
  static Map<String, String> from(Settings settings) {
    Map<String, String> config = new TreeMap<>();
    settings.optional(PROPERTIES_FILE).ifPresent(file -> config.putAll(read(file)));
    for (String property : config.keySet()) {
      refuseReserved(PROPERTIES_FILE, settings.string(PROPERTIES_FILE, ""), property);
    }
    for (Map.Entry<String, String> variable : new TreeMap<>(settings.asMap()).entrySet()) {
      String name = variable.getKey();
      if (name.startsWith(PREFIX) && name.length() > PREFIX.length()) {
        String property =
            name.substring(PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
        refuseReserved(name, "…", property);
        settings.optional(name).ifPresent(value -> config.put(property, value));
      }
    }
    return Map.copyOf(config);
  }

  private static Map<String, String> read(String file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException | RuntimeException e) {
      throw new InvalidSettingException(
          PROPERTIES_FILE,
          file,
          "expected a readable Java properties file (" + e.getClass().getSimpleName() + ")");
    }
    Map<String, String> config = new TreeMap<>();
    for (String name : properties.stringPropertyNames()) {
      config.put(name.strip(), properties.getProperty(name).strip());
    }
    return config;
  }

  private static void refuseReserved(String setting, String value, String property) {
    if (RESERVED.contains(property)) {
      throw new InvalidSettingException(
          setting,
          value,
          property
              + " is not passed through: "
              + (property.equals("bootstrap.servers")
                  ? "set " + KafkaSettings.BOOTSTRAP
                  : "each service names its own clients"));
    }
  }
}
