package dev.trafficmanager.route;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * The value of a resolve cache entry, the one format every writer of the cache uses (the API's
 * cache-aside fill, the cache-warming consumer): {@code {"url":"…","revision":n}} for a route that
 * resolves, {@code {"missing":true,"revision":n}} for one that does not (inactive at revision n, or
 * unknown with revision 0). The revision lets a writer refuse to replace a newer entry.
 */
public record CacheEntry(Optional<String> url, long revision) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public CacheEntry {
    if (revision < 0) {
      throw new IllegalArgumentException("revision must not be negative: " + revision);
    }
  }

  public static CacheEntry resolving(String url, long revision) {
    return new CacheEntry(Optional.of(url), revision);
  }

  public static CacheEntry missing(long revision) {
    return new CacheEntry(Optional.empty(), revision);
  }

  public boolean resolves() {
    return url.isPresent();
  }

  public String toJson() {
    ObjectNode node = JSON.createObjectNode();
    url.ifPresentOrElse(u -> node.put("url", u), () -> node.put("missing", true));
    node.put("revision", revision);
    return node.toString();
  }

  /**
   * Reads an entry; a negative entry without a revision (written before revisions were kept on
   * them) reads as revision 0.
   *
   * @throws IllegalArgumentException when the value is not an entry of this format
   */
  public static CacheEntry parse(String value) {
    JsonNode node;
    try {
      node = JSON.readTree(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cache entry is not JSON", e);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("cache entry is not a JSON object");
    }
    JsonNode revision = node.path("revision");
    if (node.path("missing").asBoolean(false)) {
      return missing(revision.isIntegralNumber() ? revision.asLong() : 0);
    }
    if (node.path("url").isTextual() && revision.isIntegralNumber()) {
      return resolving(node.get("url").asText(), revision.asLong());
    }
    throw new IllegalArgumentException("cache entry has neither url and revision nor missing");
  }
}
