package dev.trafficmanager.api.resolve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * The JSON value of a resolve cache entry: {@code {"url":"…","revision":n}} for a route that
 * resolves, {@code {"missing":true}} for one that is unknown or inactive. Whoever writes the cache
 * (this API, a cache-warming consumer) writes exactly this.
 */
final class CacheEntryFormat {
  private final ObjectMapper mapper = new ObjectMapper();

  String write(Optional<Resolution> resolution) {
    ObjectNode node = mapper.createObjectNode();
    if (resolution.isPresent()) {
      node.put("url", resolution.get().url());
      node.put("revision", resolution.get().revision());
    } else {
      node.put("missing", true);
    }
    return node.toString();
  }

  /**
   * The entry's answer: a resolution, or empty for a negative entry.
   *
   * @throws IllegalArgumentException when the value is not an entry of this format
   */
  Optional<Resolution> read(String value) {
    JsonNode node;
    try {
      node = mapper.readTree(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cache entry is not JSON", e);
    }
    if (node != null && node.path("missing").asBoolean(false)) {
      return Optional.empty();
    }
    if (node != null
        && node.path("url").isTextual()
        && node.path("revision").canConvertToLong()
        && node.path("revision").isIntegralNumber()) {
      return Optional.of(new Resolution(node.get("url").asText(), node.get("revision").asLong()));
    }
    throw new IllegalArgumentException("cache entry has neither url and revision nor missing");
  }
}
